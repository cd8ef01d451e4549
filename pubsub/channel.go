package pubsub

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxChannelLen is the longest channel name or pattern, in bytes, that every driver
// accepts.
const MaxChannelLen = 256

// ValidChannel reports whether name can be used as a channel by every driver, and if not,
// why, as an error wrapping [ErrInvalidChannel]. A channel name is 1 to [MaxChannelLen]
// bytes of valid UTF-8 without control characters. Anything else is allowed and means
// itself: spaces, quotes, SQL, any script, "*" and ">"; the drivers encode names for
// their servers (hashing, escaping or length-prefixing as each needs), so no name can
// break out of its channel. Dots split a name into tokens for pattern matching only.
func ValidChannel(name string) error {
	return validName("channel", name)
}

// ValidPattern reports whether pattern can be passed to [Broker.SubscribePattern], and
// if not, why, as an error wrapping [ErrInvalidChannel]. A pattern follows the rules of
// [ValidChannel], and the wildcard ">" may only be its last token.
func ValidPattern(pattern string) error {
	if err := validName("pattern", pattern); err != nil {
		return err
	}
	rest := pattern
	for {
		tok, after, more := strings.Cut(rest, ".")
		if !more {
			return nil
		}
		if tok == ">" {
			return fmt.Errorf("%w: pattern %.64q: \">\" must be the last token", ErrInvalidChannel, pattern)
		}
		rest = after
	}
}

func validName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty %s name", ErrInvalidChannel, what)
	case len(name) > MaxChannelLen:
		return fmt.Errorf("%w: %s %.64q... is %d bytes, the limit is %d", ErrInvalidChannel, what, name, len(name), MaxChannelLen)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: %s %.64q is not valid UTF-8", ErrInvalidChannel, what, name)
	}
	if i := strings.IndexFunc(name, unicode.IsControl); i >= 0 {
		return fmt.Errorf("%w: %s %.64q has a control character at byte %d", ErrInvalidChannel, what, name, i)
	}
	return nil
}

// Match reports whether channel matches pattern. Both are split into tokens at every
// dot. A pattern token "*" matches any one token (even an empty one); a final ">" matches
// one or more remaining tokens; every other token matches only itself. So "chat.*"
// matches "chat.lobby" but neither "chat" nor "chat.lobby.typing", and "chat.>" matches
// the last two as well. Match does not validate: a ">" before the last token is taken
// literally.
func Match(pattern, channel string) bool {
	p, c := pattern, channel
	for {
		pt, prest, pmore := strings.Cut(p, ".")
		if pt == ">" && !pmore {
			return true
		}
		ct, crest, cmore := strings.Cut(c, ".")
		if pt != "*" && pt != ct {
			return false
		}
		if pmore != cmore {
			return false
		}
		if !pmore {
			return true
		}
		p, c = prest, crest
	}
}
