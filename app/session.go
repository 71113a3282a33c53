package app

import (
	"sync"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// stateSession holds the signed-in agent's model.Session in go-app's state,
// in memory only: the CSRF token it carries has no business in localStorage.
// It spares the inbox a round trip right after login.
const stateSession = "frontdesk.session"

var (
	apiOnce   sync.Once
	apiClient *Client
)

// api is the browser's client for the API of the origin that served the app.
// Only call it in the browser (event handlers, OnMount).
func api() *Client {
	apiOnce.Do(func() {
		u := goapp.Window().URL()
		apiClient = NewClient(u.Scheme+"://"+u.Host, nil)
	})
	return apiClient
}

// cachedSession returns the session stored by login, if any.
func cachedSession(ctx goapp.Context) (model.Session, bool) {
	var s model.Session
	ctx.GetState(stateSession, &s)
	return s, s.Agent.ID != 0
}
