package directory

import (
	"context"
	"fmt"
)

// Where [Self.TenantID] came from.
const (
	// TenantFromToken: the tid claim of the access token the directory
	// signs in with.
	TenantFromToken = "token"
	// TenantFromDirectory: the directory's own answer (for Microsoft
	// Graph, GET /organization).
	TenantFromDirectory = "directory"
)

// RoleMembership is a directory role its holder is a member of, as a
// principal's memberships show it (Microsoft Graph: the directoryRole
// objects of /me/transitiveMemberOf, the scopedRoleMembership objects of
// /me/scopedRoleMemberOf). Memberships show built-in roles only: a custom
// role is not a directory role object.
type RoleMembership struct {
	// RoleTemplateID is the built-in role's template ID, equal to its
	// role definition ID in every tenant; empty when the answer did not
	// say which role it is (an object returned with limited information,
	// or an administrative-unit-scoped membership of a role whose object
	// the same answer did not describe).
	RoleTemplateID string `json:"roleTemplateId,omitempty"`
	// RoleID is the tenant's directory role object ID (not the template
	// ID).
	RoleID      string `json:"roleId,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	// DirectoryScopeID is TenantScope ("/") for a tenant-wide membership
	// and "/administrativeUnits/{id}" for a scoped one.
	DirectoryScopeID string `json:"directoryScopeId"`
}

// Self is what a directory reads about its own signed-in principal
// ([SelfReader]). Each part carries its own error, as in [Snapshot], so that
// a part the credential may not read is known to be unknown while the
// others are still reported.
type Self struct {
	// TenantID is the ID of the tenant the credential belongs to, and
	// TenantIDSource where it came from ([TenantFromToken] or
	// [TenantFromDirectory]); both empty when neither said.
	TenantID       string
	TenantIDSource string

	// User is the signed-in user.
	User User

	// AuthenticationMethods are the signed-in user's methods.
	AuthenticationMethods    []AuthenticationMethod
	AuthenticationMethodsErr error

	// RoleAssignments are the signed-in principal's role assignments,
	// from the role-assignment list filtered by its object ID. Microsoft
	// documents the list for delegated callers that hold a reader role,
	// so for an account without one RoleAssignmentsErr may satisfy
	// errors.Is(err, ErrPermission).
	RoleAssignments    []RoleAssignment
	RoleAssignmentsErr error

	// RoleMemberships are the tenant-wide directory roles among the
	// principal's direct and transitive memberships, roles held through a
	// role-assignable group included, each role once, whether the
	// role-assignment list was readable or not: the list, filtered by the
	// principal's own ID, leaves out the roles its groups hold.
	// ScopedRoleMemberships are its administrative-unit-scoped role
	// memberships, the fallback read only when RoleAssignmentsErr
	// satisfies ErrPermission (nil with a nil error otherwise). Neither
	// shows custom roles (a custom role has no directory role object) or
	// eligible (PIM) assignments.
	RoleMemberships    []RoleMembership
	RoleMembershipsErr error
	// Groups are the groups among the same memberships (the same answer
	// as RoleMemberships, with the same error): IsAssignableToRole marks
	// those that can hold roles for their members. Memberships list a
	// role held through such a group and one held directly alike, so
	// they cannot say through which group, if any, a role is held.
	Groups                   []Group
	ScopedRoleMemberships    []RoleMembership
	ScopedRoleMembershipsErr error

	// SignInPolicies are the tenant's sign-in policies, read in the same
	// call. A signed-in caller needs Policy.Read.All and a reader role
	// (Security Reader, Global Reader...), which a service account should
	// not hold: each part then fails with ErrPermission. A backend that
	// cannot read them fails them with errors.ErrUnsupported.
	SignInPolicies SignInPolicies
}

// SelfReader is implemented by a directory that signs in as a user (a
// delegated credential) and can read what that user may read about
// itself: its own user object, authentication methods and roles, without
// any permission over other users. The Graph backend implements it; the
// fake offers it through a view signed in as one of its users.
//
// ReadSelf reads every part of [Self]. Its error is non-nil only when
// nothing could be checked: the context is done, the signed-in user could
// not be read, or the credential has no signed-in user at all (an
// application credential: the error satisfies errors.Is(err, ErrInvalid)).
type SelfReader interface {
	ReadSelf(ctx context.Context) (Self, error)
}

// ReadSelf reads d's signed-in principal through [SelfReader]. A directory
// that does not implement it has no signed-in principal to answer for (it
// signs in as an application, or does not sign in at all): the error then
// satisfies errors.Is(err, ErrInvalid).
func ReadSelf(ctx context.Context, d Directory) (Self, error) {
	if s, ok := d.(SelfReader); ok {
		return s.ReadSelf(ctx)
	}
	return Self{}, fmt.Errorf("directory: read the signed-in principal: %T signs in as no user (use a delegated credential: device code or browser sign-in): %w", d, ErrInvalid)
}
