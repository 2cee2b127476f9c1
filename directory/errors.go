package directory

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Implementations return errors that satisfy errors.Is
// against exactly one of these (or the context's error when the context is
// done) so that callers can classify any failure without looking at text.
var (
	// ErrNotFound: the object (user, role definition, role assignment,
	// principal) does not exist, or is not visible yet.
	ErrNotFound = errors.New("directory: not found")

	// ErrExists: an object with the same unique key exists (a user with the
	// same userPrincipalName, the same role assignment).
	ErrExists = errors.New("directory: already exists")

	// ErrPermission: the caller's credential is not allowed to do this.
	ErrPermission = errors.New("directory: permission denied")

	// ErrThrottled: the service throttled the caller and the backend's own
	// retries were exhausted.
	ErrThrottled = errors.New("directory: throttled")

	// ErrUnavailable: a transient service or transport failure (HTTP 5xx, a
	// dropped connection) that retries did not overcome. The operation may or
	// may not have been applied.
	ErrUnavailable = errors.New("directory: service unavailable")

	// ErrInvalid: the request was rejected as malformed or semantically
	// invalid (bad property value, unverified domain, weak password).
	ErrInvalid = errors.New("directory: invalid request")

	// ErrNotLicensed: the tenant lacks the licence the operation needs
	// (Microsoft Entra ID P2 for Privileged Identity Management, P1 for
	// sign-in activity). It is a fact about the tenant, not about the
	// credential: no permission changes it.
	ErrNotLicensed = errors.New("directory: the tenant lacks the licence this needs")
)

// Requirement says what would let a credential do an operation it was
// denied. A backend that knows attaches it to its [ErrPermission] errors
// (see [RequirementOf]); callers render it instead of keeping their own
// table of permission names.
type Requirement struct {
	// Permissions are the Microsoft Graph permissions (application or
	// delegated) any one of which allows the operation, least privileged
	// first.
	Permissions []string
	// Roles are the Microsoft Entra roles any one of which a delegated
	// (signed-in) caller must also hold, least privileged first; empty when
	// the permission alone suffices.
	Roles []string
	// Licenses are the licences any one of which the tenant needs, when
	// the service refused for want of one (the error also satisfies
	// [ErrNotLicensed]).
	Licenses []string
	// Claims is set when a Conditional Access policy (or continuous access
	// evaluation) refused the token: the caller needs a new token that
	// satisfies the claims challenge (sign in again, with the MFA or
	// device the policy asks for), not another permission.
	Claims bool
}

// IsZero reports whether r names nothing.
func (r Requirement) IsZero() bool {
	return len(r.Permissions) == 0 && len(r.Roles) == 0 && len(r.Licenses) == 0 && !r.Claims
}

// RequirementOf returns what the operation that failed with err needed, when
// an error in err's chain says so through a method
//
//	Requirement() Requirement
//
// and the result is not empty.
func RequirementOf(err error) (Requirement, bool) {
	var r interface{ Requirement() Requirement }
	if !errors.As(err, &r) {
		return Requirement{}, false
	}
	req := r.Requirement()
	return req, !req.IsZero()
}

// IsTemporary reports whether err is a transient failure, one that the same
// request may overcome later: [ErrThrottled] (429, including a throttled
// item of a batch or a batch item that failed because of one) and
// [ErrUnavailable] (5xx, a connection lost or reset before the answer, a
// request that timed out, an unreadable answer). The outcome of a
// transient failure of a write is unknown: it may have been applied.
//
// Every other failure is permanent: [ErrPermission] (denied), [ErrInvalid],
// [ErrNotFound] (once any replication wait is over), [ErrExists] (a
// conflict), and a done context (even when an error in its chain is also
// transient), as well as an error matching no sentinel.
func IsTemporary(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return errors.Is(err, ErrThrottled) || errors.Is(err, ErrUnavailable)
}

// RetryDelay returns the wait the service asked for before the request that
// failed with err is sent again (Retry-After), when an error in err's chain
// says so through a method
//
//	RetryDelay() time.Duration
//
// and it is positive; otherwise it returns 0.
func RetryDelay(err error) time.Duration {
	var r interface{ RetryDelay() time.Duration }
	if !errors.As(err, &r) {
		return 0
	}
	return max(r.RetryDelay(), 0)
}
