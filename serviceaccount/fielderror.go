package serviceaccount

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/cloudhub/consent/directory"
)

// ErrPrivileged marks a role refused because Microsoft marks it privileged
// and [Spec.AllowPrivileged] is not set. The [*FieldError] that wraps it
// names the role and the workload (or the Roles entry) it came from.
var ErrPrivileged = errors.New("privileged role refused")

// FieldError reports an invalid field of a [Spec] or [Account]. It
// satisfies errors.Is(err, directory.ErrInvalid), and errors.Is against
// the error it wraps, if any: [roles.ErrUnknownWorkload],
// [roles.ErrNoReadOnlyRole], [roles.ErrUnknownRole] or [ErrPrivileged].
type FieldError struct {
	Field string
	// Value is the offending value, quoted in the message; never a
	// password.
	Value string
	// Reason says what is wrong with Value. When it is empty the message
	// is Err's.
	Reason string
	// Err is the error that classifies the problem, when one does
	// (a sentinel, or an error from package roles); nil otherwise.
	Err error
}

func (e *FieldError) Error() string {
	reason := e.Reason
	if reason == "" && e.Err != nil {
		reason = e.Err.Error()
	}
	return fmt.Sprintf("serviceaccount: %s %q: %s", e.Field, truncate(e.Value), reason)
}

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// maxQuoted bounds how much of a bad value an error message quotes, so that
// hostile input cannot make huge errors (and log lines).
const maxQuoted = 1024

func truncate(v string) string {
	if len(v) <= maxQuoted {
		return v
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%s...(%d bytes)", v[:cut], len(v))
}

// Is makes a FieldError match directory.ErrInvalid.
func (e *FieldError) Is(target error) bool { return target == directory.ErrInvalid }

func fieldErr(field, value, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Value: value, Reason: fmt.Sprintf(format, args...)}
}

// wrapFieldErr is fieldErr for a problem that err classifies.
func wrapFieldErr(err error, field, value, format string, args ...any) *FieldError {
	fe := fieldErr(field, value, format, args...)
	fe.Err = err
	return fe
}
