package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Received is one message the server accepted.
type Received struct {
	// From and To are the SMTP envelope: MAIL FROM and every RCPT TO.
	From string
	To   []string
	// Data is the message exactly as the client sent it.
	Data   []byte
	Header mail.Header
	// Parts are the message's leaf MIME parts in order, bodies decoded.
	Parts []Part
	// ParseErr tells why Header or Parts are missing or incomplete.
	ParseErr error
}

// Part is one leaf of a MIME message.
type Part struct {
	// MediaType is the lower-case type such as "text/calendar", and Params
	// its parameters such as "charset" and "method".
	MediaType string
	Params    map[string]string
	// Disposition is "attachment", "inline" or empty, and Filename the
	// name it gives.
	Disposition string
	Filename    string
	// Parents are the media types of the enclosing multiparts, outermost
	// first, e.g. ["multipart/mixed", "multipart/alternative"].
	Parents []string
	// Body is the content with its transfer encoding undone.
	Body []byte
}

// Subject is the decoded Subject header.
func (r Received) Subject() string {
	if r.Header == nil {
		return ""
	}
	raw := r.Header.Get("Subject")
	s, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil {
		return raw
	}
	return s
}

// Text is the plain-text body: the first text/plain part that is not an
// attachment, with the CRLF line ends of mail turned into "\n".
func (r Received) Text() string {
	p, _ := r.Body("text/plain")
	return strings.ReplaceAll(string(p.Body), "\r\n", "\n")
}

// HTML is the first text/html part that is not an attachment, with the
// CRLF line ends of mail turned into "\n".
func (r Received) HTML() string {
	p, _ := r.Body("text/html")
	return strings.ReplaceAll(string(p.Body), "\r\n", "\n")
}

// Calendar is the text/calendar body part that makes mail clients show an
// invitation with accept and decline; its "method" parameter is in Params.
func (r Received) Calendar() (Part, bool) { return r.Body("text/calendar") }

// Body returns the first part of mediaType that is not an attachment.
func (r Received) Body(mediaType string) (Part, bool) {
	for _, p := range r.Parts {
		if p.MediaType == mediaType && p.Disposition != "attachment" {
			return p, true
		}
	}
	return Part{}, false
}

// Attachment returns the attachment named filename.
func (r Received) Attachment(filename string) (Part, bool) {
	for _, p := range r.Parts {
		if p.Disposition == "attachment" && p.Filename == filename {
			return p, true
		}
	}
	return Part{}, false
}

func newReceived(from string, to []string, data []byte) Received {
	r := Received{From: from, To: append([]string(nil), to...), Data: data}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		r.ParseErr = fmt.Errorf("read message: %w", err)
		return r
	}
	r.Header = msg.Header
	r.Parts, r.ParseErr = parseParts(textproto.MIMEHeader(msg.Header), msg.Body, nil)
	return r
}

// maxDepth bounds multipart nesting; real mail nests three or four deep.
const maxDepth = 10

func parseParts(h textproto.MIMEHeader, body io.Reader, parents []string) ([]Part, error) {
	if len(parents) > maxDepth {
		return nil, errors.New("multipart nested too deep")
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fmt.Errorf("content type %q: %w", ct, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		inner := append(append([]string(nil), parents...), mediaType)
		var parts []Part
		for {
			// NextRawPart leaves Content-Transfer-Encoding to us, so
			// quoted-printable and base64 are handled alike.
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return parts, nil
			}
			if err != nil {
				return parts, fmt.Errorf("%s: %w", mediaType, err)
			}
			sub, err := parseParts(p.Header, p, inner)
			parts = append(parts, sub...)
			if err != nil {
				return parts, err
			}
		}
	}

	decoded, err := decode(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return nil, fmt.Errorf("%s body: %w", mediaType, err)
	}
	part := Part{MediaType: mediaType, Params: params, Parents: parents, Body: decoded}
	if cd := h.Get("Content-Disposition"); cd != "" {
		disp, dparams, err := mime.ParseMediaType(cd)
		if err != nil {
			return nil, fmt.Errorf("content disposition %q: %w", cd, err)
		}
		part.Disposition, part.Filename = disp, dparams["filename"]
	}
	return []Part{part}, nil
}

func decode(encoding string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(body))
	case "base64":
		// The decoder skips the line breaks that wrap base64 text.
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, body))
	case "", "7bit", "8bit", "binary":
		return io.ReadAll(body)
	default:
		return nil, fmt.Errorf("unknown transfer encoding %q", encoding)
	}
}
