package directorytest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// Delegated permissions (scopes) a public client app may hold, as the
// rules of a [SignedIn] view name them.
const (
	ScopeUserRead                     = "User.Read"
	ScopeUserAuthenticationMethodRead = "UserAuthenticationMethod.Read"
	ScopeRoleManagementReadDirectory  = "RoleManagement.Read.Directory"
	ScopeDirectoryReadAll             = "Directory.Read.All"
	// ScopeRoleEligibilityScheduleRead and
	// ScopeRoleAssignmentScheduleRead read PIM eligibilities and active
	// schedules; RoleManagement.Read.Directory reads both.
	ScopeRoleEligibilityScheduleRead = "RoleEligibilitySchedule.Read.Directory"
	ScopeRoleAssignmentScheduleRead  = "RoleAssignmentSchedule.Read.Directory"
)

// DefaultScopes are the delegated permissions of the public client app
// the README's "Verify as the account" section registers: what
// [Fake.SignedInAs] grants unless [SignInOptions.Scopes] says otherwise.
// Directory.Read.All is not among them, so administrative-unit-scoped role
// memberships are not visible through the fallback.
var DefaultScopes = []string{ScopeUserRead, ScopeUserAuthenticationMethodRead, ScopeRoleManagementReadDirectory}

// Operations of a [SignedIn] view, for [Fake.SetFault] and [Fake.Calls].
// ReadSelf consults OpUser (object: the signed-in user's ID),
// OpAuthenticationMethods, OpRoleMemberships, OpRoleAssignments, and for
// the fallback OpScopedRoleMemberships, putting each error in its part; a
// fault on OpUser fails the call.
const (
	OpReadSelf              Op = "ReadSelf"
	OpRoleMemberships       Op = "RoleMemberships"
	OpScopedRoleMemberships Op = "ScopedRoleMemberships"
)

// SignInOptions configures a [SignedIn] view. The zero value is usable.
type SignInOptions struct {
	// Scopes are the delegated permissions granted to the public client
	// app. Nil means DefaultScopes; an empty non-nil slice grants none.
	Scopes []string
	// MembersListOwnRoleAssignments picks the reading of Microsoft's
	// documentation under which any member user may list its own role
	// assignments (Entra's default user permissions: "read all ... roles
	// and memberships"). Default false: the reading of Graph's page for
	// listing unifiedRoleAssignments, under which a delegated caller must
	// hold Directory Readers, Global Reader, Privileged Role Administrator
	// (or Global Administrator), and is denied otherwise.
	MembersListOwnRoleAssignments bool
	// LimitedRoleObjects makes the directory role objects of the
	// memberships come back with their ID and type only, without
	// roleTemplateId or displayName: Graph's "limited information" for a
	// member type the caller may not read, which Microsoft's pages do not
	// rule out for directoryRole under User.Read.
	LimitedRoleObjects bool
}

// SignedIn is a view of a [Fake] signed in as one of its member users with
// a delegated token of a public client app: it implements
// [directory.Directory] and [directory.SelfReader] with the permission
// rules Microsoft Graph applies to such a caller (see the package
// documentation). Create it with [Fake.SignedInAs]; it is safe for
// concurrent use and sees the fake's state as it changes.
type SignedIn struct {
	f      *Fake
	userID string
	upn    string
	scopes []string
	opts   SignInOptions
}

var (
	_ directory.Directory      = (*SignedIn)(nil)
	_ directory.SelfReader     = (*SignedIn)(nil)
	_ directory.RolePathReader = (*SignedIn)(nil)
)

// SignedInAs signs in as the user upn (or object ID) and returns the view
// of the tenant that user's delegated token gives. As Microsoft Entra ID
// does, it refuses (ErrPermission) a disabled account and an account that
// must still replace its temporary password ([NewUser]'s
// ForceChangePasswordNextSignIn, until [Fake.SignIn]): no token is issued
// before that change. An unknown user gives ErrNotFound. opts may be nil.
func (f *Fake) SignedInAs(upn string, opts *SignInOptions) (*SignedIn, error) {
	if opts == nil {
		opts = &SignInOptions{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.visible(upn)
	if !ok {
		return nil, notFound("user", upn)
	}
	switch {
	case !u.user.AccountEnabled:
		return nil, fmt.Errorf("directorytest: sign in as %q: account is disabled: %w", upn, directory.ErrPermission)
	case u.mustChange:
		return nil, fmt.Errorf("directorytest: sign in as %q: the temporary password must be changed first (Fake.SignIn): %w", upn, directory.ErrPermission)
	}
	scopes := opts.Scopes
	if scopes == nil {
		scopes = DefaultScopes
	}
	return &SignedIn{f: f, userID: u.user.ID, upn: u.user.UserPrincipalName, scopes: slices.Clone(scopes), opts: *opts}, nil
}

// signedInDenied is a refusal with what would have allowed the operation.
type signedInDenied struct {
	msg string
	req directory.Requirement
}

func (e *signedInDenied) Error() string                      { return e.msg + ": " + directory.ErrPermission.Error() }
func (e *signedInDenied) Is(target error) bool               { return target == directory.ErrPermission }
func (e *signedInDenied) Requirement() directory.Requirement { return e.req }

func (s *SignedIn) denied(what string, req directory.Requirement) error {
	return &signedInDenied{msg: fmt.Sprintf("directorytest: signed in as %s: %s", s.upn, what), req: req}
}

func (s *SignedIn) has(scope string) bool {
	return slices.ContainsFunc(s.scopes, func(x string) bool { return strings.EqualFold(x, scope) })
}

func (s *SignedIn) isSelf(idOrUPN string) bool {
	return strings.EqualFold(idOrUPN, s.userID) || strings.EqualFold(idOrUPN, s.upn)
}

// readerRoles are the roles Graph's page for listing role assignments
// names for delegated callers, and Global Administrator, which holds
// every permission they grant.
var readerRoles = []string{"Directory Readers", "Global Reader", "Privileged Role Administrator", "Global Administrator"}

// holdsRole reports whether the signed-in user holds one of the named
// roles at tenant scope. It must be called with s.f.mu held.
func (s *SignedIn) holdsRole(names []string) bool {
	for _, a := range s.f.roleAssignments(s.userID) {
		if a.DirectoryScopeID != directory.TenantScope {
			continue
		}
		for _, name := range names {
			if r, ok := roles.Lookup(name); ok && strings.EqualFold(r.ID, a.RoleDefinitionID) {
				return true
			}
		}
	}
	return false
}

// mayListAssignments applies the rule for listing principalID's role
// assignments. It must be called with s.f.mu held.
func (s *SignedIn) mayListAssignments(principalID string) error {
	req := directory.Requirement{Permissions: []string{ScopeRoleManagementReadDirectory}, Roles: readerRoles[:3]}
	if !s.has(ScopeRoleManagementReadDirectory) {
		return s.denied(fmt.Sprintf("list role assignments of %q: the app was not granted %s", principalID, ScopeRoleManagementReadDirectory), req)
	}
	if s.holdsRole(readerRoles) || s.opts.MembersListOwnRoleAssignments && strings.EqualFold(principalID, s.userID) {
		return nil
	}
	return s.denied(fmt.Sprintf("list role assignments of %q: the signed-in user holds none of %s", principalID, strings.Join(readerRoles[:3], ", ")), req)
}

// pimReaderRoles are the roles the Graph pages for listing role
// eligibility schedules and assignment schedule instances name for
// delegated callers, and Global Administrator.
var pimReaderRoles = []string{"Global Reader", "Security Reader", "Privileged Role Administrator", "Global Administrator"}

// maySchedules applies the rule for listing principalID's PIM schedules
// (what names the list; scope is the list's own permission): the scope or
// RoleManagement.Read.Directory, and one of pimReaderRoles at tenant
// scope, even for one's own. [SignInOptions.MembersListOwnRoleAssignments]
// does not relax it: the default user permissions it reads cover roles
// and memberships, not PIM schedules, and the PIM pages make no exception
// for the caller's own (their self-service reads are the
// filterByCurrentUser functions, which this module does not call). It must
// be called with s.f.mu held.
func (s *SignedIn) maySchedules(what, scope, principalID string) error {
	req := directory.Requirement{Permissions: []string{scope, ScopeRoleManagementReadDirectory}, Roles: pimReaderRoles[:3]}
	if !s.has(scope) && !s.has(ScopeRoleManagementReadDirectory) {
		return s.denied(fmt.Sprintf("list %s of %q: the app was not granted %s", what, principalID, scope), req)
	}
	if s.holdsRole(pimReaderRoles) {
		return nil
	}
	return s.denied(fmt.Sprintf("list %s of %q: the signed-in user holds none of %s", what, principalID, strings.Join(pimReaderRoles[:3], ", ")), req)
}

// Eligibilities lists principalID's PIM eligibilities as
// [Fake.Eligibilities] does, under the rule of the package documentation:
// denied to a member without a PIM reader role, its own included.
func (s *SignedIn) Eligibilities(ctx context.Context, principalID string) ([]directory.RoleSchedule, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpRoleEligibilities, principalID); err != nil {
		return nil, err
	}
	return s.eligibilities(principalID)
}

// eligibilities applies the rule, then lists. It must be called with
// s.f.mu held.
func (s *SignedIn) eligibilities(principalID string) ([]directory.RoleSchedule, error) {
	if err := s.maySchedules("role eligibility schedules", ScopeRoleEligibilityScheduleRead, principalID); err != nil {
		return nil, err
	}
	return s.f.eligibilities(principalID)
}

// ActiveSchedules lists principalID's active PIM schedule instances as
// [Fake.ActiveSchedules] does, under the same rule as Eligibilities.
func (s *SignedIn) ActiveSchedules(ctx context.Context, principalID string) ([]directory.RoleSchedule, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpActiveRoleSchedules, principalID); err != nil {
		return nil, err
	}
	return s.activeSchedules(principalID)
}

// activeSchedules applies the rule, then lists. It must be called with
// s.f.mu held.
func (s *SignedIn) activeSchedules(principalID string) ([]directory.RoleSchedule, error) {
	if err := s.maySchedules("role assignment schedule instances", ScopeRoleAssignmentScheduleRead, principalID); err != nil {
		return nil, err
	}
	return s.f.activeSchedules(principalID)
}

// RolePaths implements [directory.RolePathReader] under the rules of the
// package documentation: the PIM parts as Eligibilities and
// ActiveSchedules allow them, and the groups part always denied (listing a
// user's groups by ID, GET /users/{id}/transitiveMemberOf/microsoft.graph.group,
// needs GroupMember.Read.All, which the public client app is not granted;
// the signed-in user's own memberships are ReadSelf's).
func (s *SignedIn) RolePaths(ctx context.Context, userID string) (directory.RolePaths, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpRolePaths, userID); err != nil {
		if ctx.Err() != nil {
			return directory.RolePaths{}, err
		}
		return directory.FailRolePaths(err), nil
	}
	var p directory.RolePaths
	if p.EligibilitiesErr = s.f.faultFor(OpRoleEligibilities, userID); p.EligibilitiesErr == nil {
		p.Eligibilities, p.EligibilitiesErr = s.eligibilities(userID)
	}
	if p.ActiveSchedulesErr = s.f.faultFor(OpActiveRoleSchedules, userID); p.ActiveSchedulesErr == nil {
		p.ActiveSchedules, p.ActiveSchedulesErr = s.activeSchedules(userID)
	}
	p.GroupsErr = s.denied(fmt.Sprintf("list the groups of %q: the app was not granted GroupMember.Read.All", userID),
		directory.Requirement{Permissions: []string{"GroupMember.Read.All", "Group.Read.All", ScopeDirectoryReadAll}})
	return p, nil
}

// User implements [directory.Directory]: the signed-in user only (User.Read
// reads the signed-in user's profile, not other users').
func (s *SignedIn) User(ctx context.Context, idOrUPN string) (directory.User, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpUser, idOrUPN); err != nil {
		return directory.User{}, err
	}
	if idOrUPN != "" && !s.isSelf(idOrUPN) {
		return directory.User{}, s.denied(fmt.Sprintf("get user %q: User.Read reads only the signed-in user", idOrUPN),
			directory.Requirement{Permissions: []string{"User.Read.All", "Directory.Read.All"}})
	}
	return s.f.user(idOrUPN)
}

func (s *SignedIn) writeDenied(ctx context.Context, op Op, object, what string) error {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, op, object); err != nil {
		return err
	}
	return s.denied(fmt.Sprintf("%s %q: the public client app holds no write permission", what, object), directory.Requirement{})
}

// CreateUser implements [directory.Directory]: always denied.
func (s *SignedIn) CreateUser(ctx context.Context, nu directory.NewUser) (directory.User, error) {
	return directory.User{}, s.writeDenied(ctx, OpCreateUser, nu.UserPrincipalName, "create user")
}

// DeleteUser implements [directory.Directory]: always denied.
func (s *SignedIn) DeleteUser(ctx context.Context, id string) error {
	return s.writeDenied(ctx, OpDeleteUser, id, "delete user")
}

// CreateRoleAssignment implements [directory.Directory]: always denied.
func (s *SignedIn) CreateRoleAssignment(ctx context.Context, a directory.RoleAssignment) (directory.RoleAssignment, error) {
	return a, s.writeDenied(ctx, OpCreateRoleAssignment, a.RoleDefinitionID+"/"+a.PrincipalID, "assign role")
}

// DeleteRoleAssignment implements [directory.Directory]: always denied.
func (s *SignedIn) DeleteRoleAssignment(ctx context.Context, id string) error {
	return s.writeDenied(ctx, OpDeleteRoleAssignment, id, "delete role assignment")
}

// RoleAssignments implements [directory.Directory] with the rule of
// [SignInOptions.MembersListOwnRoleAssignments].
func (s *SignedIn) RoleAssignments(ctx context.Context, principalID string) ([]directory.RoleAssignment, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpRoleAssignments, principalID); err != nil {
		return nil, err
	}
	if err := s.mayListAssignments(principalID); err != nil {
		return nil, err
	}
	return s.f.roleAssignments(principalID), nil
}

// AuthenticationMethods implements [directory.Directory]: the signed-in
// user's own methods with UserAuthenticationMethod.Read; another user's
// need UserAuthenticationMethod.Read.All and an authentication
// administrator role, which a service account does not hold.
func (s *SignedIn) AuthenticationMethods(ctx context.Context, userID string) ([]directory.AuthenticationMethod, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpAuthenticationMethods, userID); err != nil {
		return nil, err
	}
	if err := s.mayReadMethods(userID); err != nil {
		return nil, err
	}
	return s.f.methods(userID)
}

// mayReadMethods applies the rule for reading userID's methods. It must be
// called with s.f.mu held.
func (s *SignedIn) mayReadMethods(userID string) error {
	if !s.isSelf(userID) {
		return s.denied(fmt.Sprintf("list authentication methods of %q: only the signed-in user's own", userID),
			directory.Requirement{Permissions: []string{"UserAuthenticationMethod.Read.All"}, Roles: []string{"Authentication Administrator", "Privileged Authentication Administrator"}})
	}
	if !s.has(ScopeUserAuthenticationMethodRead) {
		return s.denied(fmt.Sprintf("list authentication methods of %q: the app was not granted %s", userID, ScopeUserAuthenticationMethodRead),
			directory.Requirement{Permissions: []string{ScopeUserAuthenticationMethodRead}})
	}
	return nil
}

// Domains implements [directory.Directory]: denied unless the app was
// granted Directory.Read.All (Domain.Read.All is not modelled).
func (s *SignedIn) Domains(ctx context.Context) ([]directory.Domain, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpDomains, ""); err != nil {
		return nil, err
	}
	if !s.has(ScopeDirectoryReadAll) {
		return nil, s.denied("list domains", directory.Requirement{Permissions: []string{"Domain.Read.All", ScopeDirectoryReadAll}})
	}
	return slices.Clone(s.f.domains), nil
}

// ReadSelf implements [directory.SelfReader] in one call, under the rules
// of the package documentation. The tenant ID comes from the token
// ([directory.TenantFromToken]).
func (s *SignedIn) ReadSelf(ctx context.Context) (directory.Self, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpReadSelf, s.upn); err != nil {
		return directory.Self{}, err
	}
	if err := s.f.faultFor(OpUser, s.userID); err != nil {
		return directory.Self{}, err
	}
	if !s.has(ScopeUserRead) {
		return directory.Self{}, s.denied("read the signed-in user", directory.Requirement{Permissions: []string{ScopeUserRead}})
	}
	u, err := s.f.user(s.userID)
	if err != nil {
		return directory.Self{}, err
	}
	self := directory.Self{TenantID: s.f.tenantID, TenantIDSource: directory.TenantFromToken, User: u}
	self.SignInPolicies = s.selfSignInPolicies()
	part := func(op Op, rule func() error) error {
		if err := s.f.faultFor(op, s.userID); err != nil {
			return err
		}
		return rule()
	}
	if self.AuthenticationMethodsErr = part(OpAuthenticationMethods, func() error { return s.mayReadMethods(s.userID) }); self.AuthenticationMethodsErr == nil {
		self.AuthenticationMethods, self.AuthenticationMethodsErr = s.f.methods(s.userID)
	}
	if self.RoleMembershipsErr = s.f.faultFor(OpRoleMemberships, s.userID); self.RoleMembershipsErr == nil {
		self.RoleMemberships, self.Groups = s.memberships(true), s.f.memberOf(s.userID)
	}
	if self.RoleAssignmentsErr = part(OpRoleAssignments, func() error { return s.mayListAssignments(s.userID) }); self.RoleAssignmentsErr == nil {
		self.RoleAssignments = s.f.roleAssignments(s.userID)
		return self, nil
	}
	if !isPermission(self.RoleAssignmentsErr) {
		return self, nil // the scoped fallback is for a denied list only
	}
	if self.ScopedRoleMembershipsErr = part(OpScopedRoleMemberships, s.mayReadScoped); self.ScopedRoleMembershipsErr == nil {
		self.ScopedRoleMemberships = s.memberships(false)
	}
	return self, nil
}

// mayReadScoped applies the rule for /me/scopedRoleMemberOf.
func (s *SignedIn) mayReadScoped() error {
	if !s.has(ScopeDirectoryReadAll) {
		return s.denied("list scoped role memberships: the app was not granted "+ScopeDirectoryReadAll,
			directory.Requirement{Permissions: []string{ScopeDirectoryReadAll}})
	}
	return nil
}

// UserID returns the signed-in user's object ID.
func (s *SignedIn) UserID() string { return s.userID }

// UserPrincipalName returns the signed-in user's userPrincipalName.
func (s *SignedIn) UserPrincipalName() string { return s.upn }

// Scopes returns the delegated permissions the view was granted.
func (s *SignedIn) Scopes() []string { return slices.Clone(s.scopes) }

// TenantID returns the tenant's ID ([Options.TenantID]).
func (f *Fake) TenantID() string { return f.tenantID }

// RoleMemberships lists the tenant-wide directory roles among the
// signed-in user's memberships (GET /me/transitiveMemberOf, its
// directoryRole objects: built-in roles held directly or through a
// role-assignable group), as ReadSelf does, whatever the rule for the
// role-assignment list.
func (s *SignedIn) RoleMemberships(ctx context.Context) ([]directory.RoleMembership, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpRoleMemberships, s.userID); err != nil {
		return nil, err
	}
	if !s.has(ScopeUserRead) {
		return nil, s.denied("list memberships: the app was not granted "+ScopeUserRead, directory.Requirement{Permissions: []string{ScopeUserRead}})
	}
	return s.memberships(true), nil
}

// TransitiveMemberOf lists the signed-in user's direct and transitive
// memberships as GET /me/transitiveMemberOf answers them: its groups, then
// its tenant-wide directory roles (those held through role-assignable
// groups included), under RoleMemberships' rule.
func (s *SignedIn) TransitiveMemberOf(ctx context.Context) ([]directory.Group, []directory.RoleMembership, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpRoleMemberships, s.userID); err != nil {
		return nil, nil, err
	}
	if !s.has(ScopeUserRead) {
		return nil, nil, s.denied("list memberships: the app was not granted "+ScopeUserRead, directory.Requirement{Permissions: []string{ScopeUserRead}})
	}
	return s.f.memberOf(s.userID), s.memberships(true), nil
}

// ScopedRoleMemberships lists the signed-in user's
// administrative-unit-scoped role memberships (GET /me/scopedRoleMemberOf).
func (s *SignedIn) ScopedRoleMemberships(ctx context.Context) ([]directory.RoleMembership, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if err := s.f.begin(ctx, OpScopedRoleMemberships, s.userID); err != nil {
		return nil, err
	}
	if err := s.mayReadScoped(); err != nil {
		return nil, err
	}
	return s.memberships(false), nil
}

func isPermission(err error) bool { return errors.Is(err, directory.ErrPermission) }

// RoleObjectID returns the object ID the fake gives the directory role
// object of the built-in role with the given template ID (a directory
// role's object ID differs from its template ID in every real tenant).
func RoleObjectID(templateID string) string {
	if len(templateID) < 4 {
		return templateID
	}
	return "d12e" + strings.ToLower(templateID[4:])
}

// memberships derives the signed-in user's role memberships from the role
// assignments it holds: the tenant-wide ones as directory role objects
// (tenantWide), its own and those of the role-assignable groups it is a
// transitive member of, each role once; or its own
// administrative-unit-scoped ones. Custom roles are left out: a custom
// role has no directory role object. It must be called with s.f.mu held.
func (s *SignedIn) memberships(tenantWide bool) []directory.RoleMembership {
	principals := []string{s.userID}
	if tenantWide {
		for _, g := range s.f.memberOf(s.userID) {
			if g.IsAssignableToRole {
				principals = append(principals, g.ID)
			}
		}
	}
	out := []directory.RoleMembership{}
	for _, id := range s.f.order {
		a := s.f.assignments[id]
		r, builtIn := roles.Lookup(a.RoleDefinitionID)
		if !builtIn || (a.DirectoryScopeID == directory.TenantScope) != tenantWide ||
			!slices.ContainsFunc(principals, func(p string) bool { return strings.EqualFold(p, a.PrincipalID) }) {
			continue
		}
		m := directory.RoleMembership{RoleID: RoleObjectID(r.ID), RoleTemplateID: r.ID, DisplayName: r.Name, DirectoryScopeID: a.DirectoryScopeID}
		if !tenantWide || s.opts.LimitedRoleObjects {
			// A scopedRoleMembership names the role object only; a
			// role object with limited information has its ID only.
			m.RoleTemplateID, m.DisplayName = "", ""
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}
