package verify

import (
	"fmt"
)

// Error is returned when Verify could not read the account at all (the
// directory failed or the context ended). An invalid Account is reported
// before any read, with a *serviceaccount.FieldError.
type Error struct {
	Account string
	Err     error
}

func (e *Error) Error() string { return fmt.Sprintf("verify: %q: %v", e.Account, e.Err) }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
