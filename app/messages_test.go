package app

import (
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/model"
)

func seqs(msgs []model.Message) []int64 {
	out := make([]int64, len(msgs))
	for i, m := range msgs {
		out[i] = m.Seq
	}
	return out
}

func msgs(seq ...int64) []model.Message {
	out := make([]model.Message, len(seq))
	for i, s := range seq {
		out[i] = model.Message{Seq: s}
	}
	return out
}

func TestMergeMessages(t *testing.T) {
	tests := []struct {
		name       string
		have, more []int64
		want       []int64
		after      int64
		gap        bool
	}{
		{"history", nil, []int64{1, 2, 3}, []int64{1, 2, 3}, 0, false},
		{"next live message", []int64{1, 2}, []int64{3}, []int64{1, 2, 3}, 0, false},
		{"duplicate", []int64{1, 2, 3}, []int64{2, 3}, []int64{1, 2, 3}, 0, false},
		{"live before history", []int64{5}, []int64{1, 2, 3, 4}, []int64{1, 2, 3, 4, 5}, 0, false},
		{"gap", []int64{1, 2}, []int64{5}, []int64{1, 2, 5}, 2, true},
		{"out of order", []int64{1, 4}, []int64{3, 2, 2}, []int64{1, 2, 3, 4}, 0, false},
		{"nothing before", nil, []int64{3}, []int64{3}, 0, true},
		{"empty", nil, nil, []int64{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergeMessages(msgs(tt.have...), msgs(tt.more...)...)
			if !slices.Equal(seqs(got), tt.want) {
				t.Errorf("merge = %v, want %v", seqs(got), tt.want)
			}
			after, gap := missingAfter(got)
			if after != tt.after || gap != tt.gap {
				t.Errorf("missingAfter = %d, %v; want %d, %v", after, gap, tt.after, tt.gap)
			}
		})
	}
}

func TestHasClientID(t *testing.T) {
	list := []model.Message{{Seq: 1}, {Seq: 2, ClientID: "abc"}}
	if !hasClientID(list, "abc") || hasClientID(list, "abd") || hasClientID(nil, "abc") {
		t.Error("hasClientID is wrong")
	}
	if lastSeq(list) != 2 || lastSeq(nil) != 0 {
		t.Error("lastSeq is wrong")
	}
}
