package conformance

import (
	"context"
	"errors"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// SelfSignIn is implemented by a directory under test that can open a view
// of its tenant signed in as one of its users with a delegated token,
// granted the rules of opts (nil: the defaults of [directorytest.SignInOptions]). The
// view must implement [directory.SelfReader]. [TestDirectory] runs the
// self-path subtests for a [*directorytest.Fake] and for every directory that implements
// this interface; the Graph backend's tests implement it over
// graphtest.Server.UserToken.
type SelfSignIn interface {
	SignInAs(ctx context.Context, upn string, opts *directorytest.SignInOptions) (directory.Directory, error)
}

// Role template IDs the self-path subtests assign.
const (
	directoryReaders = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
	globalReader     = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
)

func selfSignIn(dir directory.Directory) (SelfSignIn, bool) {
	switch d := dir.(type) {
	case *directorytest.Fake:
		return fakeSignIn{d}, true
	case SelfSignIn:
		return d, true
	}
	return nil, false
}

type fakeSignIn struct{ f *directorytest.Fake }

func (s fakeSignIn) SignInAs(_ context.Context, upn string, opts *directorytest.SignInOptions) (directory.Directory, error) {
	return s.f.SignedInAs(upn, opts)
}

// testSelf runs the self-path subtests when the backend can sign in as a
// user, and checks that the backend itself (an application credential)
// refuses to answer for a signed-in principal.
func (s suite) testSelf(t *testing.T) {
	e := s.env(t)
	if _, err := directory.ReadSelf(context.Background(), e.dir); !errors.Is(err, directory.ErrInvalid) {
		t.Errorf("ReadSelf on the backend's own (application) credential = %v: want ErrInvalid", err)
	}
	if _, ok := selfSignIn(e.dir); !ok {
		t.Skipf("%T cannot sign in as a user", e.dir)
	}
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"UserAndMethods", s.testSelfUserAndMethods},
		{"RoleListDeniedFallsBack", s.testSelfFallback},
		{"RoleListAllowedToMembers", s.testSelfMembersList},
		{"RoleListAllowedToReaderRole", s.testSelfReaderRole},
		{"ScopedMembershipsWithDirectoryReadAll", s.testSelfScoped},
		{"LimitedRoleObjects", s.testSelfLimited},
		{"MethodsNotGranted", s.testSelfMethodsNotGranted},
		{"OtherUsersDenied", s.testSelfOthersDenied},
		{"CanceledContext", s.testSelfCanceled},
		{"GroupRolesInMemberships", s.testSelfGroupRoles},
		{"PIMSchedulesNeedReaderRole", s.testSelfSchedules},
	} {
		t.Run(tc.name, tc.fn)
	}
}

// signedIn creates a user who can sign in (no forced password change) and
// returns it with the view signed in as it.
func (s suite) signedIn(t *testing.T, e env, opts *directorytest.SignInOptions, roleIDs ...string) (directory.User, directory.Directory) {
	t.Helper()
	nu := newUser(e.upn("svc-self"))
	nu.ForceChangePasswordNextSignIn = false
	u, err := e.dir.CreateUser(context.Background(), nu)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", nu.UserPrincipalName, err)
	}
	t.Cleanup(func() { _ = e.dir.DeleteUser(context.Background(), u.ID) })
	for _, id := range roleIDs {
		e.assign(t, u.ID, id)
	}
	si, _ := selfSignIn(e.dir)
	view, err := si.SignInAs(context.Background(), u.UserPrincipalName, opts)
	if err != nil {
		t.Fatalf("SignInAs(%q): %v", u.UserPrincipalName, err)
	}
	return u, view
}

func readSelf(t *testing.T, view directory.Directory) directory.Self {
	t.Helper()
	self, err := directory.ReadSelf(context.Background(), view)
	if err != nil {
		t.Fatalf("ReadSelf: %v", err)
	}
	return self
}

func (s suite) testSelfUserAndMethods(t *testing.T) {
	e := s.env(t)
	u, view := s.signedIn(t, e, nil)
	self := readSelf(t, view)
	if diff := cmp.Diff(u, self.User, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("ReadSelf.User mismatch (-created +read):\n%s", diff)
	}
	if self.TenantID == "" || self.TenantIDSource != directory.TenantFromToken && self.TenantIDSource != directory.TenantFromDirectory {
		t.Errorf("ReadSelf tenant = %q from %q: want an ID and its source", self.TenantID, self.TenantIDSource)
	}
	want, err := e.dir.AuthenticationMethods(context.Background(), u.ID)
	if err != nil {
		t.Fatalf("AuthenticationMethods: %v", err)
	}
	if self.AuthenticationMethodsErr != nil {
		t.Fatalf("ReadSelf.AuthenticationMethodsErr = %v", self.AuthenticationMethodsErr)
	}
	if diff := cmp.Diff(want, self.AuthenticationMethods); diff != "" {
		t.Errorf("ReadSelf.AuthenticationMethods mismatch (-admin view +self):\n%s", diff)
	}
	// The view reads the signed-in user by key, too.
	got, err := view.User(context.Background(), u.UserPrincipalName)
	if err != nil || got.ID != u.ID {
		t.Errorf("view.User(own UPN) = %q, %v: want %q", got.ID, err, u.ID)
	}
}

func (s suite) testSelfFallback(t *testing.T) {
	e := s.env(t)
	u, view := s.signedIn(t, e, nil, teamsAdministrator)
	self := readSelf(t, view)
	wantErr(t, "ReadSelf.RoleAssignmentsErr (no reader role)", self.RoleAssignmentsErr, directory.ErrPermission, u.ID)
	if self.RoleMembershipsErr != nil {
		t.Fatalf("ReadSelf.RoleMembershipsErr = %v: the fallback needs User.Read only", self.RoleMembershipsErr)
	}
	if len(self.RoleMemberships) != 1 || self.RoleMemberships[0].RoleTemplateID != teamsAdministrator ||
		self.RoleMemberships[0].DirectoryScopeID != directory.TenantScope || self.RoleMemberships[0].RoleID == "" {
		t.Errorf("ReadSelf.RoleMemberships = %+v: want Teams Administrator at / with its role object ID", self.RoleMemberships)
	}
	// Administrative-unit-scoped memberships need Directory.Read.All,
	// which the default scopes lack.
	if !errors.Is(self.ScopedRoleMembershipsErr, directory.ErrPermission) {
		t.Errorf("ReadSelf.ScopedRoleMembershipsErr = %v: want ErrPermission without Directory.Read.All", self.ScopedRoleMembershipsErr)
	}
}

func (s suite) testSelfMembersList(t *testing.T) {
	e := s.env(t)
	u, view := s.signedIn(t, e, &directorytest.SignInOptions{MembersListOwnRoleAssignments: true}, teamsAdministrator)
	self := readSelf(t, view)
	want, _ := e.dir.RoleAssignments(context.Background(), u.ID)
	if self.RoleAssignmentsErr != nil {
		t.Fatalf("ReadSelf.RoleAssignmentsErr = %v", self.RoleAssignmentsErr)
	}
	if diff := cmp.Diff(want, self.RoleAssignments); diff != "" {
		t.Errorf("ReadSelf.RoleAssignments mismatch (-admin view +self):\n%s", diff)
	}
	if self.ScopedRoleMemberships != nil || self.ScopedRoleMembershipsErr != nil {
		t.Errorf("ReadSelf read the scoped fallback although the list was allowed: %+v", self)
	}
	// Memberships are read either way: the list leaves out the roles
	// held through groups.
	if self.RoleMembershipsErr != nil || len(self.RoleMemberships) != 1 || self.RoleMemberships[0].RoleTemplateID != teamsAdministrator {
		t.Errorf("ReadSelf.RoleMemberships = %+v, %v: want Teams Administrator", self.RoleMemberships, self.RoleMembershipsErr)
	}
	// The reading that lets members list their own does not extend to
	// other principals.
	other := e.create(t, e.upn("svc-other"))
	_, err := view.RoleAssignments(context.Background(), other.ID)
	wantErr(t, "view.RoleAssignments(another user)", err, directory.ErrPermission, other.ID)
}

func (s suite) testSelfReaderRole(t *testing.T) {
	e := s.env(t)
	_, view := s.signedIn(t, e, nil, teamsAdministrator, directoryReaders)
	self := readSelf(t, view)
	if self.RoleAssignmentsErr != nil || len(self.RoleAssignments) != 2 {
		t.Errorf("ReadSelf with Directory Readers: role assignments %v, %v: want both listed", self.RoleAssignments, self.RoleAssignmentsErr)
	}
}

func (s suite) testSelfScoped(t *testing.T) {
	e := s.env(t)
	u, view := s.signedIn(t, e, &directorytest.SignInOptions{Scopes: append([]string{directorytest.ScopeDirectoryReadAll}, directorytest.DefaultScopes...)}, teamsAdministrator)
	const scope = "/administrativeUnits/0a0a0a0a-0000-4000-8000-000000000001"
	if _, err := e.dir.CreateRoleAssignment(context.Background(), directory.RoleAssignment{
		PrincipalID: u.ID, RoleDefinitionID: exchangeAdministrator, DirectoryScopeID: scope,
	}); err != nil {
		t.Fatalf("CreateRoleAssignment(at %s): %v", scope, err)
	}
	self := readSelf(t, view)
	if self.ScopedRoleMembershipsErr != nil {
		t.Fatalf("ReadSelf.ScopedRoleMembershipsErr = %v", self.ScopedRoleMembershipsErr)
	}
	if len(self.ScopedRoleMemberships) != 1 || self.ScopedRoleMemberships[0].DirectoryScopeID != scope || self.ScopedRoleMemberships[0].RoleID == "" {
		t.Errorf("ReadSelf.ScopedRoleMemberships = %+v: want one at %s naming its role object", self.ScopedRoleMemberships, scope)
	}
	if len(self.RoleMemberships) != 1 || self.RoleMemberships[0].RoleTemplateID != teamsAdministrator {
		t.Errorf("ReadSelf.RoleMemberships = %+v: want only the tenant-wide Teams Administrator", self.RoleMemberships)
	}
}

func (s suite) testSelfLimited(t *testing.T) {
	e := s.env(t)
	_, view := s.signedIn(t, e, &directorytest.SignInOptions{LimitedRoleObjects: true}, teamsAdministrator)
	self := readSelf(t, view)
	if len(self.RoleMemberships) != 1 || self.RoleMemberships[0].RoleTemplateID != "" || self.RoleMemberships[0].RoleID == "" {
		t.Errorf("ReadSelf.RoleMemberships with limited role objects = %+v: want one role object ID without a template ID", self.RoleMemberships)
	}
}

func (s suite) testSelfMethodsNotGranted(t *testing.T) {
	e := s.env(t)
	u, view := s.signedIn(t, e, &directorytest.SignInOptions{Scopes: []string{directorytest.ScopeUserRead}})
	self := readSelf(t, view)
	wantErr(t, "ReadSelf.AuthenticationMethodsErr without UserAuthenticationMethod.Read", self.AuthenticationMethodsErr, directory.ErrPermission, u.ID)
	wantErr(t, "ReadSelf.RoleAssignmentsErr without RoleManagement.Read.Directory", self.RoleAssignmentsErr, directory.ErrPermission, u.ID)
	if self.RoleMembershipsErr != nil || len(self.RoleMemberships) != 0 {
		t.Errorf("ReadSelf fallback with User.Read only = %+v, %v: want an empty list", self.RoleMemberships, self.RoleMembershipsErr)
	}
}

func (s suite) testSelfOthersDenied(t *testing.T) {
	e := s.env(t)
	_, view := s.signedIn(t, e, nil)
	other := e.create(t, e.upn("svc-someone"))
	_, err := view.User(context.Background(), other.ID)
	wantErr(t, "view.User(another user)", err, directory.ErrPermission, other.ID)
	_, err = view.AuthenticationMethods(context.Background(), other.ID)
	wantErr(t, "view.AuthenticationMethods(another user)", err, directory.ErrPermission, other.ID)
	upn := e.upn("svc-by-member")
	_, err = view.CreateUser(context.Background(), newUser(upn))
	wantErr(t, "view.CreateUser", err, directory.ErrPermission, upn)
	if _, err := e.dir.User(context.Background(), upn); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("after a denied CreateUser, User(%q) = %v: want ErrNotFound", upn, err)
	}
}

func (s suite) testSelfCanceled(t *testing.T) {
	e := s.env(t)
	_, view := s.signedIn(t, e, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := directory.ReadSelf(ctx, view); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadSelf(canceled ctx) = %v: want context.Canceled", err)
	}
}

// backingFake returns the Fake that holds e's tenant, or skips.
func backingFake(t *testing.T, e env) *directorytest.Fake {
	t.Helper()
	switch d := e.dir.(type) {
	case *directorytest.Fake:
		return d
	case Backed:
		return d.Fake()
	}
	t.Skipf("%T is neither a *directorytest.Fake nor Backed: the suite cannot set up groups", e.dir)
	return nil
}

// The signed-in user's memberships show the roles held through a
// role-assignable group it is a transitive member of, each built-in role
// once, and the groups themselves (role-assignable or not); they leave
// out custom roles, which have no directory role object. Both readings of
// the role-assignment list read them.
func (s suite) testSelfGroupRoles(t *testing.T) {
	e := s.env(t)
	f := backingFake(t, e)
	ctx := context.Background()
	for _, opts := range []*directorytest.SignInOptions{nil, {MembersListOwnRoleAssignments: true}} {
		u, view := s.signedIn(t, e, opts, teamsAdministrator)
		tier0, err := f.CreateGroup(ctx, "Tier0 admins", true)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := f.CreateGroup(ctx, "All staff", false)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []directory.Group{tier0, plain} {
			if err := f.AddGroupMember(ctx, g.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		e.assign(t, tier0.ID, privilegedRoleAdministrator)
		e.assign(t, tier0.ID, teamsAdministrator) // also held directly: listed once
		custom, err := f.CreateRoleDefinition(ctx, "Helpdesk Plus "+u.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.assign(t, u.ID, custom.ID)

		self := readSelf(t, view)
		if self.RoleMembershipsErr != nil {
			t.Fatalf("opts %+v: ReadSelf.RoleMembershipsErr = %v", opts, self.RoleMembershipsErr)
		}
		var got []string
		for _, m := range self.RoleMemberships {
			got = append(got, m.RoleTemplateID+" "+m.DirectoryScopeID)
		}
		want := []string{teamsAdministrator + " /", privilegedRoleAdministrator + " /"}
		if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("opts %+v: ReadSelf.RoleMemberships (-want +got):\n%s", opts, diff)
		}
		if diff := cmp.Diff([]directory.Group{tier0, plain}, self.Groups, cmpopts.SortSlices(func(a, b directory.Group) bool { return a.ID < b.ID })); diff != "" {
			t.Errorf("opts %+v: ReadSelf.Groups (-want +got):\n%s", opts, diff)
		}
	}
}

// PIM schedules need a PIM reader role even for one's own, whichever
// reading of the role-assignment list applies; with Global Reader they
// are listed.
func (s suite) testSelfSchedules(t *testing.T) {
	e := s.env(t)
	f := backingFake(t, e)
	ctx := context.Background()
	for _, tc := range []struct {
		opts   *directorytest.SignInOptions
		roles  []string
		denied bool
	}{
		{denied: true},
		{opts: &directorytest.SignInOptions{MembersListOwnRoleAssignments: true}, denied: true},
		{roles: []string{directoryReaders}, denied: true}, // not a PIM reader role
		{roles: []string{globalReader}},
	} {
		u, view := s.signedIn(t, e, tc.opts, tc.roles...)
		if _, err := f.CreateEligibility(ctx, directory.RoleSchedule{PrincipalID: u.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: directory.TenantScope}); err != nil {
			t.Fatal(err)
		}
		if _, ok := view.(directory.RolePathReader); !ok {
			t.Skipf("%T does not read role paths", view)
		}
		p, err := directory.ReadRolePaths(ctx, view, u.ID)
		if err != nil {
			t.Fatalf("ReadRolePaths: %v", err)
		}
		if tc.denied {
			wantErr(t, "RolePaths.EligibilitiesErr (no PIM reader role)", p.EligibilitiesErr, directory.ErrPermission, u.ID)
			wantErr(t, "RolePaths.ActiveSchedulesErr (no PIM reader role)", p.ActiveSchedulesErr, directory.ErrPermission, u.ID)
			continue
		}
		if p.EligibilitiesErr != nil || len(p.Eligibilities) != 1 || p.Eligibilities[0].RoleDefinitionID != globalAdministrator {
			t.Errorf("with Global Reader: eligibilities %+v, %v: want the Global Administrator one", p.Eligibilities, p.EligibilitiesErr)
		}
		if p.ActiveSchedulesErr != nil || len(p.ActiveSchedules) != 1 {
			t.Errorf("with Global Reader: active schedules %+v, %v: want the Global Reader assignment", p.ActiveSchedules, p.ActiveSchedulesErr)
		}
	}
}
