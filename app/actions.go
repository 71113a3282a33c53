package app

import (
	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/frontdesk/frontdesk/model"
)

// Actions the components send each other (go-app actions: handled on the
// UI goroutine by every mounted component that registered for them). The
// live connection's own actions are in live.go.
const (
	// actionCompose carries a compose: the agent sent a reply.
	actionCompose = "frontdesk.compose"
	// actionDropFiles carries droppedFiles: files dropped on a
	// conversation, for its composer.
	actionDropFiles = "frontdesk.compose.drop"
	// actionRead carries a readMark: the agent has read a conversation.
	actionRead = "frontdesk.read"
	// actionConversationChanged carries a model.Conversation the agent
	// changed (its Unread is not the agent's).
	actionConversationChanged = "frontdesk.conversation-changed"
	// actionNotice carries a notice: a guest wrote in a conversation that
	// concerns the agent.
	actionNotice = "frontdesk.notice"
	// actionVisibility carries a bool: whether the page is on screen.
	actionVisibility = "frontdesk.visibility"
)

// droppedFiles is a browser FileList dropped on a conversation.
type droppedFiles struct {
	ConversationID int64
	Files          goapp.Value
}

type compose struct {
	ConversationID int64
	Body           string
	Private        bool
	Attachments    []model.Attachment
}

type readMark struct {
	ConversationID int64
	Seq            int64
}

type notice struct {
	ConversationID int64
	Name           string
	Body           string
	// Title replaces "New message from Name" (mentions).
	Title string
}

// pageVisible reports whether the page is on screen, so that messages
// arriving now are read.
func pageVisible() bool {
	if !goapp.IsClient {
		return false
	}
	return goapp.Window().Get("document").Get("visibilityState").String() == "visible"
}
