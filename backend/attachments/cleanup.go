package attachments

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// CleanupEvery is how often the cleanup job runs.
const CleanupEvery = 15 * time.Minute

// Cleanup removes uploads that no message claimed within UnsentAfter (as of
// now) and then empties the blob trash — including the blobs of rows
// deleted elsewhere, such as an erased guest's conversations. It returns
// how many uploads and blobs it removed.
func (s *Service) Cleanup(ctx context.Context, now time.Time) (uploads, blobs int, err error) {
	if uploads, err = s.DB.DeleteUnsentAttachments(ctx, now.Add(-UnsentAfter)); err != nil {
		return 0, 0, err
	}
	for {
		keys, err := s.DB.TrashedBlobs(ctx, 100)
		if err != nil || len(keys) == 0 {
			return uploads, blobs, err
		}
		for _, k := range keys {
			if err := s.Store.Delete(ctx, k); err != nil {
				return uploads, blobs, fmt.Errorf("attachments: cleanup: %w", err)
			}
		}
		if err := s.DB.ForgetBlobs(ctx, keys); err != nil {
			return uploads, blobs, err
		}
		blobs += len(keys)
	}
}

// CleanupArgs is the periodic cleanup job.
type CleanupArgs struct{}

// Kind names the job.
func (CleanupArgs) Kind() string { return "attachments_cleanup" }

type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	s *Service
}

func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	uploads, blobs, err := w.s.Cleanup(ctx, time.Now())
	if uploads+blobs > 0 {
		w.s.log().Info("removed unsent files", "uploads", uploads, "blobs", blobs)
	}
	return err
}

// Register adds the cleanup worker.
func (s *Service) Register(workers *river.Workers) error {
	if err := river.AddWorkerSafely(workers, &cleanupWorker{s: s}); err != nil {
		return fmt.Errorf("attachments: register: %w", err)
	}
	return nil
}

// PeriodicJob runs the cleanup every CleanupEvery, once across all
// instances (River's leader schedules it), and once at start.
func PeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(CleanupEvery),
		func() (river.JobArgs, *river.InsertOpts) {
			return CleanupArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: CleanupEvery}}
		}, &river.PeriodicJobOpts{RunOnStart: true})
}
