package directory

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SignInActivity is what the directory recorded of a user's sign-ins
// (Microsoft Graph: the user's signInActivity, which needs AuditLog.Read.All
// and a tenant with Microsoft Entra ID P1).
type SignInActivity struct {
	// LastSuccessfulSignInDateTime is the last successful sign-in,
	// interactive or not; zero when none is recorded.
	LastSuccessfulSignInDateTime time.Time `json:"lastSuccessfulSignInDateTime,omitzero"`
}

// SignInActivityReader is implemented by a directory that can read a
// user's sign-in activity. An unknown user gives ErrNotFound; a tenant
// without the licence it needs gives ErrNotLicensed.
type SignInActivityReader interface {
	SignInActivity(ctx context.Context, userID string) (SignInActivity, error)
}

// ReadSignInActivity reads the user's sign-in activity with d's
// SignInActivity method; a directory that does not implement
// [SignInActivityReader] gives an error satisfying
// errors.Is(err, errors.ErrUnsupported).
func ReadSignInActivity(ctx context.Context, d Directory, userID string) (SignInActivity, error) {
	if r, ok := d.(SignInActivityReader); ok {
		return r.SignInActivity(ctx, userID)
	}
	return SignInActivity{}, fmt.Errorf("directory: read sign-in activity of %q: %T does not implement SignInActivityReader: %w", userID, d, errors.ErrUnsupported)
}
