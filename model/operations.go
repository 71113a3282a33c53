package model

// Error codes of operations (issue #17); see error.go for the others.
const (
	// CodeShuttingDown: the instance is leaving (rolling upgrade); send the
	// request to another one.
	CodeShuttingDown = "shutting_down"
	// CodeGuestErased: the guest's data has already been erased.
	CodeGuestErased = "guest_erased"
)

// Close codes of the realtime sockets (4000–4999 are for applications).
const (
	// CloseResume asks the client to reconnect and resume from its last
	// sequence number: it fell behind, or the server lost events.
	CloseResume = 4000
	// CloseGoAway says the server is shutting down: reconnect at once
	// (the load balancer sends the new socket to another instance). It is
	// not an error and is not shown as one.
	CloseGoAway = 4001
)
