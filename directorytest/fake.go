package directorytest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cloudhub/consent/directory"
)

// DefaultDomain is the tenant's verified initial domain unless
// [Options.Domains] says otherwise.
const DefaultDomain = "contoso.onmicrosoft.com"

// Options configures a [Fake]. The zero value is usable.
type Options struct {
	// Domains are the tenant's domains. Default: DefaultDomain, verified,
	// initial and default.
	Domains []directory.Domain
	// Now is the fake's clock. Default: time.Now.
	Now func() time.Time
	// ReplicationLag keeps a newly created user unknown to
	// CreateRoleAssignment (ErrNotFound) until Now() reaches its creation
	// time plus the lag, the way Entra ID's replication does.
	ReplicationLag time.Duration
	// ReadLag keeps a newly created user invisible to reads (User,
	// Snapshot, AuthenticationMethods, by object ID or userPrincipalName:
	// ErrNotFound) until Now() reaches its creation time plus the lag, the
	// way a read served by a replica that has not caught up with the write
	// does. Its userPrincipalName is taken at once: a second create
	// conflicts (ErrExists), and it can be deleted by object ID.
	ReadLag time.Duration
	// TenantID is the tenant's ID, which a view signed in as one of its
	// users reports ([Fake.SignedInAs]). Default: DefaultTenantID.
	TenantID string
}

// DefaultTenantID is the tenant ID unless [Options.TenantID] says otherwise.
const DefaultTenantID = "0a7e57ed-0000-4000-8000-00000000c0de"

// Op names a Fake operation, for [Fake.SetFault] and [Fake.Calls].
type Op string

// Operations.
const (
	OpUser                         Op = "User"
	OpCreateUser                   Op = "CreateUser"
	OpDeleteUser                   Op = "DeleteUser"
	OpRoleAssignments              Op = "RoleAssignments"
	OpCreateRoleAssignment         Op = "CreateRoleAssignment"
	OpDeleteRoleAssignment         Op = "DeleteRoleAssignment"
	OpAuthenticationMethods        Op = "AuthenticationMethods"
	OpDomains                      Op = "Domains"
	OpSnapshot                     Op = "Snapshot"
	OpCreateRoleAssignments        Op = "CreateRoleAssignments"
	OpDeleteUserAndRoleAssignments Op = "DeleteUserAndRoleAssignments"
)

// IsWrite reports whether op changes the directory.
func (op Op) IsWrite() bool {
	switch op {
	case OpCreateUser, OpDeleteUser, OpCreateRoleAssignment, OpDeleteRoleAssignment,
		OpCreateRoleAssignments, OpDeleteUserAndRoleAssignments, OpCreateAccessPass, OpDeleteAccessPass,
		OpCreateServicePrincipal, OpCreatePermissionGrant, OpUpdatePermissionGrant, OpDeletePermissionGrant:
		return true
	}
	return false
}

// Call is one recorded call of a directory method.
type Call struct {
	Op Op
	// Object is the ID, UPN or role the call was about.
	Object string
}

// A FaultFunc decides whether a call fails. Returning a non-nil error makes
// the call fail with it before it has any effect.
//
// The batch methods consult it with their own op first (a fault there
// fails the whole call), then once for each primitive operation they stand
// for, with that operation's op and object, so that a fault set on a
// primitive also fires on the batched path: Snapshot consults OpUser,
// OpRoleAssignments (object: the user's ID), OpAuthenticationMethods (the
// user's ID) and OpDomains for the parts requested, and puts the error in
// that part; CreateRoleAssignments consults OpCreateRoleAssignment for each
// item ("roleDefinitionID/principalID"); DeleteUserAndRoleAssignments
// consults OpDeleteRoleAssignment for each assignment and OpDeleteUser.
//
// It runs with the Fake's lock held: it must not call the Fake.
type FaultFunc func(op Op, object string) error

// Fake is an in-memory directory. Create it with [New].
type Fake struct {
	mu          sync.Mutex
	now         func() time.Time
	lag         time.Duration
	readLag     time.Duration
	domains     []directory.Domain
	users       map[string]*fakeUser // by ID
	upns        map[string]string    // lower-case UPN -> ID
	assignments map[string]directory.RoleAssignment
	order       []string // assignment IDs in creation order
	seq         int
	fault       FaultFunc
	calls       []Call
	tenantID    string
	priv        privileges           // fake_privilege.go
	signIns     map[string]time.Time // last successful sign-in by user ID (fake_signin.go)
	passPolicy  directory.AccessPassPolicy
	policies    *policyState // fake_policies.go; nil until first used
	consent     consentStore
}

type fakeUser struct {
	user     directory.User
	password string
	// mustChange: the next sign-in must replace the password first
	// (NewUser.ForceChangePasswordNextSignIn), so no token is issued
	// before it.
	mustChange bool
	methods    []directory.AuthenticationMethod
	// visibleAt is when reads start to see the user (Options.ReadLag).
	visibleAt time.Time
	// pass is the user's Temporary Access Pass, if any.
	pass *fakePass
}

var (
	_ directory.Directory    = (*Fake)(nil)
	_ directory.Snapshotter  = (*Fake)(nil)
	_ directory.RoleAssigner = (*Fake)(nil)
	_ directory.UserDeleter  = (*Fake)(nil)
)

// New returns an empty tenant. opts may be nil.
func New(opts *Options) *Fake {
	if opts == nil {
		opts = &Options{}
	}
	f := &Fake{
		now:         opts.Now,
		lag:         opts.ReplicationLag,
		readLag:     opts.ReadLag,
		domains:     slices.Clone(opts.Domains),
		users:       map[string]*fakeUser{},
		upns:        map[string]string{},
		assignments: map[string]directory.RoleAssignment{},
		passPolicy:  DefaultAccessPassPolicy(),
		tenantID:    opts.TenantID,
	}
	if f.tenantID == "" {
		f.tenantID = DefaultTenantID
	}
	if f.now == nil {
		f.now = time.Now
	}
	if len(f.domains) == 0 {
		f.domains = []directory.Domain{{ID: DefaultDomain, IsVerified: true, IsDefault: true, IsInitial: true}}
	}
	return f
}

// SetReplicationLag changes the replication lag for users created from now on.
func (f *Fake) SetReplicationLag(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lag = d
}

// SetReadLag changes the read lag ([Options.ReadLag]) for users created
// from now on.
func (f *Fake) SetReadLag(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.readLag = d
}

// SetFault installs fn (nil removes it); it is consulted before every call.
func (f *Fake) SetFault(fn FaultFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fn
}

// Calls returns the calls made so far, in order.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Writes returns how many of the calls made so far change the directory.
func (f *Fake) Writes() int {
	n := 0
	for _, c := range f.Calls() {
		if c.Op.IsWrite() {
			n++
		}
	}
	return n
}

// ResetCalls forgets the recorded calls.
func (f *Fake) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}

// begin records a call and consults the context and the fault hook. It must
// be called with f.mu held.
func (f *Fake) begin(ctx context.Context, op Op, object string) error {
	f.calls = append(f.calls, Call{Op: op, Object: object})
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.faultFor(op, object)
}

// faultFor consults the fault hook. It must be called with f.mu held.
func (f *Fake) faultFor(op Op, object string) error {
	if f.fault != nil {
		return f.fault(op, object)
	}
	return nil
}

func (f *Fake) newID(kind int) string {
	f.seq++
	return fmt.Sprintf("%08x-0000-4000-8000-%012d", kind, f.seq)
}

const (
	kindUser       = 0x11111111
	kindAssignment = 0x22222222
	kindMethod     = 0x33333333
)

func (f *Fake) timestamp() time.Time { return f.now().UTC().Truncate(time.Second) }

// lookup finds a user by object ID or userPrincipalName, both compared
// case-insensitively as Entra does (object IDs are GUIDs).
func (f *Fake) lookup(idOrUPN string) (*fakeUser, bool) {
	if u, ok := f.users[strings.ToLower(idOrUPN)]; ok {
		return u, true
	}
	if id, ok := f.upns[strings.ToLower(idOrUPN)]; ok {
		return f.users[id], true
	}
	return nil, false
}

// visible finds a user the way a read sees it: not before its read lag
// has passed.
func (f *Fake) visible(idOrUPN string) (*fakeUser, bool) {
	u, ok := f.lookup(idOrUPN)
	if !ok || f.now().Before(u.visibleAt) {
		return nil, false
	}
	return u, true
}

// replicated finds a user by object ID the way a write that references it
// (a role assignment, a permission grant) sees it: not before its
// replication lag has passed.
func (f *Fake) replicated(id string) (*fakeUser, bool) {
	u, ok := f.users[strings.ToLower(id)]
	if !ok || f.now().Before(u.user.CreatedDateTime.Add(f.lag)) {
		return nil, false
	}
	return u, true
}

func notFound(kind, object string) error {
	return fmt.Errorf("directorytest: %s %q: %w", kind, object, directory.ErrNotFound)
}

// User implements [directory.Directory].
func (f *Fake) User(ctx context.Context, idOrUPN string) (directory.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpUser, idOrUPN); err != nil {
		return directory.User{}, err
	}
	return f.user(idOrUPN)
}

func (f *Fake) user(idOrUPN string) (directory.User, error) {
	if idOrUPN == "" {
		return directory.User{}, fmt.Errorf("directorytest: get user: empty ID or userPrincipalName: %w", directory.ErrInvalid)
	}
	u, ok := f.visible(idOrUPN)
	if !ok {
		return directory.User{}, notFound("user", idOrUPN)
	}
	return u.user, nil
}

// CreateUser implements [directory.Directory].
func (f *Fake) CreateUser(ctx context.Context, nu directory.NewUser) (directory.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpCreateUser, nu.UserPrincipalName); err != nil {
		return directory.User{}, err
	}
	if err := f.checkNewUser(nu); err != nil {
		return directory.User{}, err
	}
	if _, taken := f.upns[strings.ToLower(nu.UserPrincipalName)]; taken {
		return directory.User{}, fmt.Errorf("directorytest: create user %q: another object with the same userPrincipalName exists: %w", nu.UserPrincipalName, directory.ErrExists)
	}
	now := f.timestamp()
	u := &fakeUser{
		user: directory.User{
			ID:                         f.newID(kindUser),
			UserPrincipalName:          nu.UserPrincipalName,
			DisplayName:                nu.DisplayName,
			MailNickname:               nu.MailNickname,
			AccountEnabled:             nu.AccountEnabled,
			UserType:                   directory.UserTypeMember,
			UsageLocation:              nu.UsageLocation,
			EmployeeType:               nu.EmployeeType,
			CreatedDateTime:            now,
			LastPasswordChangeDateTime: now,
		},
		password:   nu.Password.Reveal(),
		mustChange: nu.ForceChangePasswordNextSignIn,
		visibleAt:  f.now().Add(f.readLag),
	}
	u.methods = []directory.AuthenticationMethod{{ID: passwordMethodID, Type: directory.MethodPassword}}
	f.users[u.user.ID] = u
	f.upns[strings.ToLower(nu.UserPrincipalName)] = u.user.ID
	return u.user, nil
}

// passwordMethodID is the well-known ID Graph gives every user's password method.
const passwordMethodID = "28c10230-6103-485e-b985-444c60001490"

func invalid(format string, args ...any) error {
	return fmt.Errorf("directorytest: "+format+": %w", append(args, directory.ErrInvalid)...)
}

func (f *Fake) checkNewUser(nu directory.NewUser) error {
	upn := nu.UserPrincipalName
	at := strings.LastIndexByte(upn, '@')
	if at <= 0 || at == len(upn)-1 {
		return invalid("create user %q: userPrincipalName must be local@domain", upn)
	}
	domain := strings.ToLower(upn[at+1:])
	verified := false
	for _, d := range f.domains {
		if strings.EqualFold(d.ID, domain) && d.IsVerified {
			verified = true
		}
	}
	if !verified {
		return invalid("create user %q: domain %q is not a verified domain of the tenant", upn, domain)
	}
	if strings.TrimSpace(nu.DisplayName) == "" {
		return invalid("create user %q: displayName is required", upn)
	}
	if nu.MailNickname == "" {
		return invalid("create user %q: mailNickname is required", upn)
	}
	if err := directory.CheckPasswordComplexity(nu.Password.Reveal()); err != nil {
		return invalid("create user %q: %v", upn, err)
	}
	return nil
}

// DeleteUser implements [directory.Directory]. The user's role assignments
// go with it.
func (f *Fake) DeleteUser(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpDeleteUser, id); err != nil {
		return err
	}
	return f.deleteUser(id)
}

func (f *Fake) deleteUser(id string) error {
	u, ok := f.users[strings.ToLower(id)]
	if !ok {
		return notFound("user", id)
	}
	id = u.user.ID
	delete(f.users, id)
	delete(f.upns, strings.ToLower(u.user.UserPrincipalName))
	for aid, a := range f.assignments {
		if a.PrincipalID == id {
			f.removeAssignment(aid)
		}
	}
	f.forgetPrincipal(id)
	return nil
}

func (f *Fake) removeAssignment(id string) {
	delete(f.assignments, id)
	f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == id })
}

// RoleAssignments implements [directory.Directory].
func (f *Fake) RoleAssignments(ctx context.Context, principalID string) ([]directory.RoleAssignment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpRoleAssignments, principalID); err != nil {
		return nil, err
	}
	return f.roleAssignments(principalID), nil
}

func (f *Fake) roleAssignments(principalID string) []directory.RoleAssignment {
	out := []directory.RoleAssignment{}
	for _, id := range f.order {
		if a := f.assignments[id]; strings.EqualFold(a.PrincipalID, principalID) && f.listed(id) {
			out = append(out, a)
		}
	}
	return out
}

// CreateRoleAssignment implements [directory.Directory].
func (f *Fake) CreateRoleAssignment(ctx context.Context, a directory.RoleAssignment) (directory.RoleAssignment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpCreateRoleAssignment, a.RoleDefinitionID+"/"+a.PrincipalID); err != nil {
		return a, err
	}
	return f.createRoleAssignment(a)
}

func (f *Fake) createRoleAssignment(a directory.RoleAssignment) (directory.RoleAssignment, error) {
	what := fmt.Sprintf("role %q to principal %q", a.RoleDefinitionID, a.PrincipalID)
	a, err := f.checkAssignment("assign "+what, a)
	if err != nil {
		return a, err
	}
	for _, id := range f.order {
		b := f.assignments[id]
		if b.PrincipalID == a.PrincipalID && strings.EqualFold(b.RoleDefinitionID, a.RoleDefinitionID) && b.DirectoryScopeID == a.DirectoryScopeID {
			return a, fmt.Errorf("directorytest: assign %s at scope %q: a conflicting assignment exists: %w", what, a.DirectoryScopeID, directory.ErrExists)
		}
	}
	a.ID = f.newID(kindAssignment)
	f.assignments[a.ID] = a
	f.order = append(f.order, a.ID)
	return a, nil
}

// DeleteRoleAssignment implements [directory.Directory].
func (f *Fake) DeleteRoleAssignment(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpDeleteRoleAssignment, id); err != nil {
		return err
	}
	if _, ok := f.assignments[strings.ToLower(id)]; !ok {
		return notFound("role assignment", id)
	}
	f.removeAssignment(strings.ToLower(id))
	return nil
}

// AuthenticationMethods implements [directory.Directory].
func (f *Fake) AuthenticationMethods(ctx context.Context, userID string) ([]directory.AuthenticationMethod, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpAuthenticationMethods, userID); err != nil {
		return nil, err
	}
	return f.methods(userID)
}

func (f *Fake) methods(idOrUPN string) ([]directory.AuthenticationMethod, error) {
	u, ok := f.visible(idOrUPN)
	if !ok {
		return nil, notFound("user", idOrUPN)
	}
	return f.withPass(u), nil
}

// Domains implements [directory.Directory].
func (f *Fake) Domains(ctx context.Context) ([]directory.Domain, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpDomains, ""); err != nil {
		return nil, err
	}
	return slices.Clone(f.domains), nil
}

// Snapshot implements [directory.Snapshotter] in one call.
func (f *Fake) Snapshot(ctx context.Context, req directory.SnapshotRequest) (directory.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpSnapshot, req.User); err != nil {
		if ctx.Err() != nil {
			return directory.Snapshot{}, err
		}
		// A fault fails every part, the way a denied $batch would.
		s := directory.Snapshot{UserErr: err, RoleAssignmentsErr: err, AuthenticationMethodsErr: err, DomainsErr: err,
			RolePaths: directory.FailRolePaths(err), SignInActivityErr: err,
			MemberOfErr: err, SignInPolicies: directory.FailSignInPolicies(err)}
		if req.Consent != nil {
			s.Consent = directory.Consent{ClientErr: err, ResourceErr: err, GrantsErr: err}
		}
		return s, nil
	}
	var s directory.Snapshot
	if req.Consent != nil {
		s.Consent = f.consentSnapshot(*req.Consent)
	}
	if req.Domains {
		if s.DomainsErr = f.faultFor(OpDomains, ""); s.DomainsErr == nil {
			s.Domains = slices.Clone(f.domains)
		}
	}
	if req.SignInPolicies {
		s.SignInPolicies = f.signInPolicies()
	}
	if s.UserErr = f.faultFor(OpUser, req.User); s.UserErr == nil {
		s.User, s.UserErr = f.user(req.User)
	}
	if s.UserErr != nil {
		if req.RoleAssignments {
			s.RoleAssignmentsErr = s.UserErr
		}
		if req.AuthenticationMethods {
			s.AuthenticationMethodsErr = s.UserErr
		}
		if req.RolePaths {
			s.RolePaths = directory.FailRolePaths(s.UserErr)
		}
		if req.SignInActivity {
			s.SignInActivityErr = s.UserErr
		}
		if req.MemberOf {
			s.MemberOfErr = s.UserErr
		}
		return s, nil
	}
	if req.RoleAssignments {
		if s.RoleAssignmentsErr = f.faultFor(OpRoleAssignments, s.User.ID); s.RoleAssignmentsErr == nil {
			s.RoleAssignments = f.roleAssignments(s.User.ID)
		}
	}
	if req.AuthenticationMethods {
		if s.AuthenticationMethodsErr = f.faultFor(OpAuthenticationMethods, s.User.ID); s.AuthenticationMethodsErr == nil {
			s.AuthenticationMethods, s.AuthenticationMethodsErr = f.methods(s.User.ID)
		}
	}
	var membershipsErr error // the shared read's fault, when RolePaths and MemberOf are asked
	if req.RolePaths {
		s.RolePaths, membershipsErr = f.rolePaths(s.User.ID, req.MemberOf)
	}
	if req.SignInActivity {
		if s.SignInActivityErr = f.faultFor(OpSignInActivity, s.User.ID); s.SignInActivityErr == nil {
			s.SignInActivity = f.signInActivity(s.User.ID)
		}
	}
	if req.MemberOf {
		s.MemberOfErr = membershipsErr
		if !req.RolePaths {
			s.MemberOfErr = f.faultFor(OpTransitiveMemberOf, s.User.ID)
		}
		if s.MemberOfErr == nil {
			s.MemberOf, s.MemberOfErr = f.transitiveMemberOf(s.User.ID)
		}
	}
	return s, nil
}

// CreateRoleAssignments implements [directory.RoleAssigner] in one call.
func (f *Fake) CreateRoleAssignments(ctx context.Context, as []directory.RoleAssignment) []directory.RoleAssignmentResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]directory.RoleAssignmentResult, len(as))
	object := ""
	if len(as) > 0 {
		object = as[0].PrincipalID
	}
	if err := f.begin(ctx, OpCreateRoleAssignments, object); err != nil {
		for i, a := range as {
			out[i] = directory.RoleAssignmentResult{Assignment: a, Err: err}
		}
		return out
	}
	for i, a := range as {
		if err := f.faultFor(OpCreateRoleAssignment, a.RoleDefinitionID+"/"+a.PrincipalID); err != nil {
			out[i] = directory.RoleAssignmentResult{Assignment: a, Err: err}
			continue
		}
		created, err := f.createRoleAssignment(a)
		out[i] = directory.RoleAssignmentResult{Assignment: created, Err: err}
	}
	return out
}

// DeleteUserAndRoleAssignments implements [directory.UserDeleter] in one call.
func (f *Fake) DeleteUserAndRoleAssignments(ctx context.Context, userID string, assignmentIDs []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpDeleteUserAndRoleAssignments, userID); err != nil {
		return err
	}
	for _, id := range assignmentIDs {
		if err := f.faultFor(OpDeleteRoleAssignment, id); err != nil {
			return err
		}
	}
	if err := f.faultFor(OpDeleteUser, userID); err != nil {
		return err
	}
	for _, id := range assignmentIDs {
		f.removeAssignment(strings.ToLower(id))
	}
	return f.deleteUser(userID)
}

// SignIn acts out the user's first interactive sign-in: the temporary
// password is replaced by newPassword and lastPasswordChangeDateTime moves
// to now, or to one minute after creation if the clock has not moved that
// far.
func (f *Fake) SignIn(ctx context.Context, userID, newPassword string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.lookup(userID)
	if !ok {
		return notFound("user", userID)
	}
	if !u.user.AccountEnabled {
		return fmt.Errorf("directorytest: sign in %q: account is disabled: %w", userID, directory.ErrPermission)
	}
	if err := directory.CheckPasswordComplexity(newPassword); err != nil {
		return invalid("sign in %q: %v", userID, err)
	}
	if newPassword == u.password {
		return invalid("sign in %q: the new password must differ from the old one", userID)
	}
	u.password = newPassword
	u.mustChange = false
	f.recordSignIn(u.user.ID)
	u.user.LastPasswordChangeDateTime = f.timestamp()
	if min := u.user.CreatedDateTime.Add(time.Minute); u.user.LastPasswordChangeDateTime.Before(min) {
		// Keep "changed after creation" observable on a clock that has
		// not moved: a real first sign-in is never within a minute of the
		// password being set.
		u.user.LastPasswordChangeDateTime = min
	}
	return nil
}

// RegisterMethod acts out the user registering an authentication method.
func (f *Fake) RegisterMethod(ctx context.Context, userID string, t directory.MethodType, displayName string) (directory.AuthenticationMethod, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.lookup(userID)
	if !ok {
		return directory.AuthenticationMethod{}, notFound("user", userID)
	}
	if t == "" || t == directory.MethodPassword {
		return directory.AuthenticationMethod{}, invalid("register method %q for %q: not a method a user registers", t, userID)
	}
	m := directory.AuthenticationMethod{ID: f.newID(kindMethod), Type: t, DisplayName: displayName}
	u.methods = append(u.methods, m)
	return m, nil
}

// SetAccountEnabled acts out an admin enabling or disabling the account.
func (f *Fake) SetAccountEnabled(ctx context.Context, userID string, enabled bool) error {
	return f.update(userID, func(u *directory.User) { u.AccountEnabled = enabled })
}

// SetUserType acts out an admin changing userType (directory.UserTypeMember
// or directory.UserTypeGuest).
func (f *Fake) SetUserType(ctx context.Context, userID, userType string) error {
	if userType != directory.UserTypeMember && userType != directory.UserTypeGuest {
		return invalid("set userType of %q: %q is not Member or Guest", userID, userType)
	}
	return f.update(userID, func(u *directory.User) { u.UserType = userType })
}

// SetOnPremisesSyncEnabled acts out Microsoft Entra Connect taking over the
// account (synchronised from on-premises Active Directory).
func (f *Fake) SetOnPremisesSyncEnabled(ctx context.Context, userID string, synced bool) error {
	return f.update(userID, func(u *directory.User) { u.OnPremisesSyncEnabled = synced })
}

// SetUsageLocation acts out an admin changing the usage location.
func (f *Fake) SetUsageLocation(ctx context.Context, userID, location string) error {
	return f.update(userID, func(u *directory.User) { u.UsageLocation = location })
}

func (f *Fake) update(userID string, fn func(*directory.User)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.lookup(userID)
	if !ok {
		return notFound("user", userID)
	}
	fn(&u.user)
	return nil
}

// Users returns every user, in creation order, for tests that check the
// directory's state itself rather than what a caller was told.
func (f *Fake) Users() []directory.User {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]directory.User, 0, len(f.users))
	for _, u := range f.users {
		out = append(out, u.user)
	}
	slices.SortFunc(out, func(a, b directory.User) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// AllRoleAssignments returns every role assignment of every principal, in
// creation order.
func (f *Fake) AllRoleAssignments() []directory.RoleAssignment {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]directory.RoleAssignment, 0, len(f.order))
	for _, id := range f.order {
		out = append(out, f.assignments[id])
	}
	return out
}
