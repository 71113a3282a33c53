package model

// CodeSeqAhead answers a resume from a seq the conversation never reached
// (a client that kept state from another conversation or database). The
// error event's Seq is the conversation's last seq: the client has
// everything up to it that exists, and live messages follow from there.
const CodeSeqAhead = "seq_ahead"
