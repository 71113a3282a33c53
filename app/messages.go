package app

import (
	"slices"

	"github.com/frontdesk/frontdesk/model"
)

// mergeMessages adds more to have, which is ordered by seq, and returns the
// result in order without duplicates: history pages, live events, acks and
// catch-ups all meet here, in any order and any number of times.
func mergeMessages(have []model.Message, more ...model.Message) []model.Message {
	for _, m := range more {
		i, found := slices.BinarySearchFunc(have, m.Seq, func(e model.Message, seq int64) int {
			switch {
			case e.Seq < seq:
				return -1
			case e.Seq > seq:
				return 1
			}
			return 0
		})
		if found {
			continue
		}
		have = slices.Insert(have, i, m)
	}
	return have
}

// missingAfter reports whether msgs, ordered by seq, have a gap, and if so
// the last seq before it: fetching messages after that seq fills it.
// Conversations number their messages from 1 with no gaps.
func missingAfter(msgs []model.Message) (after int64, gap bool) {
	want := int64(1)
	for _, m := range msgs {
		if m.Seq != want {
			return want - 1, true
		}
		want++
	}
	return 0, false
}

// lastSeq is the highest seq of msgs, ordered by seq.
func lastSeq(msgs []model.Message) int64 {
	if len(msgs) == 0 {
		return 0
	}
	return msgs[len(msgs)-1].Seq
}

// hasClientID reports whether one of msgs was sent with clientID.
func hasClientID(msgs []model.Message, clientID string) bool {
	return slices.ContainsFunc(msgs, func(m model.Message) bool { return m.ClientID == clientID })
}
