package api

// inboxRoutes are the agent's daily tools: files, search, saved replies,
// guest context, ratings and transcripts.
func (s *Server) inboxRoutes() {
	s.fileRoutes()
}
