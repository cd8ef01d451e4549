package mail

import "context"

// Mailer sends e-mail. Implementations check the message first: an invalid one (a bad
// address, CR or LF in a header, no body) fails with an error matching ErrInvalid before
// anything is sent.
type Mailer interface {
	Send(ctx context.Context, m *Message) error
}
