package jobs

import (
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// RetryAfter is a retry policy that reruns a failed job after a fixed delay.
// Tests use it to watch a job fail and recover in milliseconds; production
// keeps River's exponential backoff.
func RetryAfter(d time.Duration) river.ClientRetryPolicy { return fixedRetry(d) }

type fixedRetry time.Duration

func (d fixedRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().UTC().Add(time.Duration(d))
}
