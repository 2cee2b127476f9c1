package directory

import (
	"context"
	"errors"
	"fmt"
)

// Directory is the interface implemented by a directory backend: primitive
// operations on one tenant, with no policy. Implementations must be safe for
// concurrent use by multiple goroutines, must return promptly with the
// context's error once ctx is done, and must name the object in every error
// message (the ID, UPN or role they were working on).
//
// Each method states the sentinel its errors must satisfy for each failure
// class; in addition any method may fail with [ErrPermission] (the
// credential may not do this), [ErrThrottled] (throttling outlasted the
// backend's retries) or [ErrUnavailable] (a transient failure outlasted
// them).
type Directory interface {
	// User returns the user whose object ID or userPrincipalName is
	// idOrUPN, with every field of User filled in. UPNs compare
	// case-insensitively. A user that does not exist (or is not visible
	// yet) gives an error satisfying errors.Is(err, ErrNotFound); an empty
	// idOrUPN gives ErrInvalid.
	User(ctx context.Context, idOrUPN string) (User, error)

	// CreateUser creates a user and returns it as stored, with ID and
	// CreatedDateTime set. A userPrincipalName already in use gives
	// ErrExists; a UPN whose domain is not a verified domain of the tenant,
	// a missing required property or a password the service rejects gives
	// ErrInvalid.
	CreateUser(ctx context.Context, u NewUser) (User, error)

	// DeleteUser deletes the user with object ID id. An unknown id gives
	// ErrNotFound.
	DeleteUser(ctx context.Context, id string) error

	// RoleAssignments lists the role assignments (directory provider, every
	// scope) whose principal is principalID. An unknown principal gives an
	// empty list, not an error.
	RoleAssignments(ctx context.Context, principalID string) ([]RoleAssignment, error)

	// CreateRoleAssignment assigns a role and returns the assignment with
	// its ID set. An unknown principal or role definition gives ErrNotFound
	// (a user created moments ago may stay unknown for a while: replication
	// lag); an identical assignment (same principal, role and scope) gives
	// ErrExists.
	CreateRoleAssignment(ctx context.Context, a RoleAssignment) (RoleAssignment, error)

	// DeleteRoleAssignment deletes the role assignment with the given ID.
	// An unknown id gives ErrNotFound.
	DeleteRoleAssignment(ctx context.Context, id string) error

	// AuthenticationMethods lists the authentication methods registered by
	// the user with object ID userID (every user has at least the password
	// method). An unknown user gives ErrNotFound.
	AuthenticationMethods(ctx context.Context, userID string) ([]AuthenticationMethod, error)

	// Domains lists the tenant's domains.
	Domains(ctx context.Context) ([]Domain, error)
}

// SnapshotRequest says what [Snapshotter.Snapshot] reads.
type SnapshotRequest struct {
	// User is the object ID or userPrincipalName of the user to read.
	User string
	// RoleAssignments asks for the user's role assignments.
	RoleAssignments bool
	// AuthenticationMethods asks for the user's authentication methods.
	AuthenticationMethods bool
	// Domains asks for the tenant's domains.
	Domains bool
	// RolePaths asks for the user's other paths to a role: PIM
	// eligibilities and active schedules, role-assignable groups with
	// their roles, and the names of the custom roles and scopes they refer
	// to (see [RolePaths]).
	RolePaths bool
	// SignInActivity asks for the user's sign-in activity, which the
	// credential may not be allowed (or the tenant not licensed) to read.
	SignInActivity bool
	// MemberOf asks for the groups the user is a member of, directly or
	// through nested groups (see [MemberOfReader]).
	MemberOf bool
	// SignInPolicies asks for the tenant's security defaults, Conditional
	// Access policies and authentication strengths (see
	// [SignInPolicyReader]).
	SignInPolicies bool
	// Consent, when set, asks for a client application's consent: its
	// service principal, the resource's and its delegated permission
	// grants (see [Consent]). It joins the same call (the same $batch for
	// the Graph backend); a Snapshotter that leaves it unread has it read
	// by [ReadSnapshot] through [ConsentReader].
	Consent *ConsentRequest
}

// Snapshot is what [ReadSnapshot] read. Each part carries its own error, so
// that a fact the credential may not read (ErrPermission) is known to be
// unknown while the others are still reported.
type Snapshot struct {
	User    User
	UserErr error

	RoleAssignments    []RoleAssignment
	RoleAssignmentsErr error

	AuthenticationMethods    []AuthenticationMethod
	AuthenticationMethodsErr error

	Domains    []Domain
	DomainsErr error

	// RolePaths carries its own errors, one per part.
	RolePaths RolePaths

	SignInActivity    SignInActivity
	SignInActivityErr error

	MemberOf    []Group
	MemberOfErr error

	// SignInPolicies carries its own errors, one per part.
	SignInPolicies SignInPolicies
	// Consent carries its own errors, one per part.
	Consent Consent
}

// Snapshotter is implemented by a directory that can read a user together
// with its role assignments, its other paths to a role, its authentication
// methods and groups, and the tenant's domains and sign-in policies, in one
// call (the Graph backend does it in one $batch round trip when it
// knows the user's object ID).
//
// Snapshot fills only the parts the request asks for. When the user does not
// exist, UserErr satisfies errors.Is(err, ErrNotFound) and the user's other
// parts carry the same error. The returned error is non-nil only when nothing
// could be read (the context is done, the transport failed).
type Snapshotter interface {
	Snapshot(ctx context.Context, req SnapshotRequest) (Snapshot, error)
}

// ReadSnapshot reads what req asks for, with one call to d's Snapshot method
// when d implements [Snapshotter] and with the primitives otherwise.
func ReadSnapshot(ctx context.Context, d Directory, req SnapshotRequest) (Snapshot, error) {
	if s, ok := d.(Snapshotter); ok {
		snap, err := s.Snapshot(ctx, req)
		if err == nil && req.Consent != nil && !snap.Consent.read() {
			snap.Consent = ReadConsent(ctx, d, *req.Consent)
		}
		return snap, err
	}
	var snap Snapshot
	if req.Consent != nil {
		snap.Consent = ReadConsent(ctx, d, *req.Consent)
	}
	if req.Domains {
		snap.Domains, snap.DomainsErr = d.Domains(ctx)
	}
	if req.SignInPolicies {
		var err error
		if snap.SignInPolicies, err = ReadSignInPolicies(ctx, d); err != nil {
			return Snapshot{}, err
		}
	}
	if req.User == "" {
		snap.UserErr = fmt.Errorf("directory: snapshot: empty user: %w", ErrInvalid)
	} else {
		snap.User, snap.UserErr = d.User(ctx, req.User)
	}
	if err := ctx.Err(); err != nil {
		return Snapshot{}, err
	}
	if snap.UserErr != nil {
		if req.RoleAssignments {
			snap.RoleAssignmentsErr = snap.UserErr
		}
		if req.AuthenticationMethods {
			snap.AuthenticationMethodsErr = snap.UserErr
		}
		if req.RolePaths {
			snap.RolePaths = FailRolePaths(snap.UserErr)
		}
		if req.SignInActivity {
			snap.SignInActivityErr = snap.UserErr
		}
		if req.MemberOf {
			snap.MemberOfErr = snap.UserErr
		}
		return snap, nil
	}
	if req.RoleAssignments {
		snap.RoleAssignments, snap.RoleAssignmentsErr = d.RoleAssignments(ctx, snap.User.ID)
	}
	if req.AuthenticationMethods {
		snap.AuthenticationMethods, snap.AuthenticationMethodsErr = d.AuthenticationMethods(ctx, snap.User.ID)
	}
	if req.RolePaths {
		var err error
		if snap.RolePaths, err = ReadRolePaths(ctx, d, snap.User.ID); err != nil {
			return Snapshot{}, err
		}
	}
	if req.SignInActivity {
		snap.SignInActivity, snap.SignInActivityErr = ReadSignInActivity(ctx, d, snap.User.ID)
	}
	if req.MemberOf {
		snap.MemberOf, snap.MemberOfErr = ReadTransitiveMemberOf(ctx, d, snap.User.ID)
	}
	if err := ctx.Err(); err != nil {
		return Snapshot{}, err
	}
	return snap, nil
}

// RoleAssignmentResult is the outcome of one assignment in
// [RoleAssigner.CreateRoleAssignments].
type RoleAssignmentResult struct {
	// Assignment is the created assignment (ID set) when Err is nil, and
	// the requested one otherwise.
	Assignment RoleAssignment
	// Err follows the rules of Directory.CreateRoleAssignment.
	Err error
}

// RoleAssigner is implemented by a directory that can create several role
// assignments in one call (the Graph backend: one $batch round trip for up
// to 20). Results are in the order of the request, one per assignment.
type RoleAssigner interface {
	CreateRoleAssignments(ctx context.Context, as []RoleAssignment) []RoleAssignmentResult
}

// CreateRoleAssignments creates the assignments with one call when d
// implements [RoleAssigner] and one by one otherwise.
func CreateRoleAssignments(ctx context.Context, d Directory, as []RoleAssignment) []RoleAssignmentResult {
	if len(as) == 0 {
		return nil
	}
	if r, ok := d.(RoleAssigner); ok {
		return r.CreateRoleAssignments(ctx, as)
	}
	out := make([]RoleAssignmentResult, len(as))
	for i, a := range as {
		created, err := d.CreateRoleAssignment(ctx, a)
		if err != nil {
			out[i] = RoleAssignmentResult{Assignment: a, Err: err}
			continue
		}
		out[i] = RoleAssignmentResult{Assignment: created}
	}
	return out
}

// UserDeleter is implemented by a directory that can delete a user's role
// assignments and then the user in one call (the Graph backend: one $batch
// round trip). Assignments that no longer exist are not an error; a user
// that no longer exists gives ErrNotFound. The user is deleted only if
// every assignment was deleted.
type UserDeleter interface {
	DeleteUserAndRoleAssignments(ctx context.Context, userID string, assignmentIDs []string) error
}

// DeleteUserAndRoleAssignments deletes the assignments, then the user, with
// one call when d implements [UserDeleter] and one by one otherwise.
func DeleteUserAndRoleAssignments(ctx context.Context, d Directory, userID string, assignmentIDs []string) error {
	if u, ok := d.(UserDeleter); ok {
		return u.DeleteUserAndRoleAssignments(ctx, userID, assignmentIDs)
	}
	var errs []error
	for _, id := range assignmentIDs {
		if err := d.DeleteRoleAssignment(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return d.DeleteUser(ctx, userID)
}
