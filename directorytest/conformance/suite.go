package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Well-known role template IDs the suite assigns.
const (
	teamsAdministrator    = "69091246-20e8-4a56-aa4d-066075b2a7a8"
	exchangeAdministrator = "29232cdf-9323-42fd-ade2-1d097af3e4de"
	unknownRoleID         = "00000000-dead-4bad-8bad-000000000000"
	unknownObjectID       = "00000000-0000-4000-8000-00000000dead"
)

var suiteSeq atomic.Int64

// TestDirectory runs the conformance suite against the directory newDir
// returns. newDir is called once per subtest and must return a tenant with
// at least one verified domain, no replication lag and no injected faults;
// it may return the same tenant each time (the suite uses fresh UPNs).
//
// Each subtest checks a behaviour of the [directory.Directory] contract,
// the error class with errors.Is and that the error message names the
// object. The optional interfaces are tested through [directory.ReadSnapshot],
// [directory.CreateRoleAssignments] and
// [directory.DeleteUserAndRoleAssignments], so a backend that implements
// them must agree with its primitives.
func TestDirectory(t *testing.T, newDir func(t *testing.T) directory.Directory) {
	t.Helper()
	s := suite{newDir: newDir}
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"Domains", s.testDomains},
		{"CreateUserThenRead", s.testCreateUserThenRead},
		{"UserByUPNIsCaseInsensitive", s.testUserByUPNCaseInsensitive},
		{"UPNWithSpecialCharacters", s.testSpecialUPN},
		{"CreateUserDuplicateUPN", s.testDuplicateUPN},
		{"CreateUserUnverifiedDomain", s.testUnverifiedDomain},
		{"CreateUserWeakPassword", s.testWeakPassword},
		{"UserNotFound", s.testUserNotFound},
		{"EmptyKey", s.testEmptyKey},
		{"DeleteUser", s.testDeleteUser},
		{"DeleteUserNotFound", s.testDeleteUserNotFound},
		{"RoleAssignmentLifecycle", s.testRoleAssignmentLifecycle},
		{"RoleAssignmentDuplicate", s.testRoleAssignmentDuplicate},
		{"RoleAssignmentUnknownPrincipal", s.testRoleAssignmentUnknownPrincipal},
		{"RoleAssignmentUnknownRole", s.testRoleAssignmentUnknownRole},
		{"DeleteRoleAssignmentNotFound", s.testDeleteRoleAssignmentNotFound},
		{"RoleAssignmentsOfUnknownPrincipal", s.testRoleAssignmentsUnknownPrincipal},
		{"AuthenticationMethods", s.testAuthenticationMethods},
		{"AuthenticationMethodsNotFound", s.testAuthenticationMethodsNotFound},
		{"Snapshot", s.testSnapshot},
		{"SnapshotUserNotFound", s.testSnapshotNotFound},
		{"CreateRoleAssignmentsBatch", s.testCreateRoleAssignments},
		{"DeleteUserAndRoleAssignments", s.testDeleteUserAndRoleAssignments},
		{"ConcurrentCreates", s.testConcurrentCreates},
		{"CanceledContext", s.testCanceledContext},
		{"Self", s.testSelf},
		{"RolePaths", s.testRolePaths}, // suite_privilege.go
		{"AccessPass", s.testAccessPass},
		{"SignInPolicies", s.testSignInPolicies}, // suite_policies.go
		{"Consent", s.testConsent},
	} {
		t.Run(tc.name, tc.fn)
	}
}

type suite struct {
	newDir func(t *testing.T) directory.Directory
}

// env is one subtest's directory and verified domain.
type env struct {
	dir    directory.Directory
	domain string
}

func (s suite) env(t *testing.T) env {
	t.Helper()
	dir := s.newDir(t)
	ds, err := dir.Domains(context.Background())
	if err != nil {
		t.Fatalf("Domains: %v", err)
	}
	for _, d := range ds {
		if d.IsVerified {
			return env{dir: dir, domain: d.ID}
		}
	}
	t.Fatalf("Domains = %+v: the suite needs a verified domain", ds)
	return env{}
}

func (e env) upn(prefix string) string {
	return fmt.Sprintf("%s-%d@%s", prefix, suiteSeq.Add(1), e.domain)
}

func newUser(upn string) directory.NewUser {
	local, _, _ := strings.Cut(upn, "@")
	nick := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '.' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return -1
	}, local)
	return directory.NewUser{
		UserPrincipalName:             upn,
		DisplayName:                   "Conformance " + local,
		MailNickname:                  nick,
		UsageLocation:                 "AU",
		EmployeeType:                  "conformance",
		AccountEnabled:                true,
		Password:                      directory.NewPassword("Conf0rmance-Suite-Passw0rd!"),
		ForceChangePasswordNextSignIn: true,
	}
}

func (e env) create(t *testing.T, upn string) directory.User {
	t.Helper()
	u, err := e.dir.CreateUser(context.Background(), newUser(upn))
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", upn, err)
	}
	t.Cleanup(func() { _ = e.dir.DeleteUser(context.Background(), u.ID) })
	return u
}

func (e env) assign(t *testing.T, principalID, roleID string) directory.RoleAssignment {
	t.Helper()
	a, err := e.dir.CreateRoleAssignment(context.Background(), directory.RoleAssignment{
		PrincipalID: principalID, RoleDefinitionID: roleID, DirectoryScopeID: directory.TenantScope,
	})
	if err != nil {
		t.Fatalf("CreateRoleAssignment(%s, %s): %v", principalID, roleID, err)
	}
	return a
}

// wantErr checks err's class and that its message names every object.
func wantErr(t *testing.T, what string, err, class error, objects ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got nil error, want %v", what, class)
		return
	}
	if !errors.Is(err, class) {
		t.Errorf("%s: error %q does not satisfy errors.Is(err, %v)", what, err, class)
	}
	for _, o := range objects {
		if !strings.Contains(err.Error(), o) {
			t.Errorf("%s: error %q does not name %q", what, err, o)
		}
	}
}

func (s suite) testDomains(t *testing.T) {
	e := s.env(t)
	ds, _ := e.dir.Domains(context.Background())
	for _, d := range ds {
		if d.ID == "" || strings.ContainsAny(d.ID, " @/") {
			t.Errorf("domain %+v: bad ID", d)
		}
	}
}

func (s suite) testCreateUserThenRead(t *testing.T) {
	e := s.env(t)
	upn := e.upn("svc-read")
	nu := newUser(upn)
	created := e.create(t, upn)
	if created.ID == "" || created.CreatedDateTime.IsZero() {
		t.Fatalf("CreateUser returned %+v: want ID and CreatedDateTime set", created)
	}
	want := directory.User{
		ID:                created.ID,
		UserPrincipalName: upn,
		DisplayName:       nu.DisplayName,
		MailNickname:      nu.MailNickname,
		AccountEnabled:    true,
		UserType:          directory.UserTypeMember,
		UsageLocation:     "AU",
		EmployeeType:      "conformance",
	}
	ignoreTimes := cmpopts.IgnoreFields(directory.User{}, "CreatedDateTime", "LastPasswordChangeDateTime")
	for _, key := range []string{created.ID, upn} {
		got, err := e.dir.User(context.Background(), key)
		if err != nil {
			t.Fatalf("User(%q): %v", key, err)
		}
		if diff := cmp.Diff(want, got, ignoreTimes); diff != "" {
			t.Errorf("User(%q) mismatch (-want +got):\n%s", key, diff)
		}
		if got.CreatedDateTime.IsZero() || got.LastPasswordChangeDateTime.IsZero() {
			t.Errorf("User(%q): createdDateTime %v, lastPasswordChangeDateTime %v: want both set", key, got.CreatedDateTime, got.LastPasswordChangeDateTime)
		}
		if got.LastPasswordChangeDateTime.Sub(got.CreatedDateTime).Abs().Seconds() > 60 {
			t.Errorf("User(%q): a new user's password change time %v is far from its creation %v", key, got.LastPasswordChangeDateTime, got.CreatedDateTime)
		}
	}
}

func (s suite) testUserByUPNCaseInsensitive(t *testing.T) {
	e := s.env(t)
	upn := e.upn("Svc-Case")
	u := e.create(t, upn)
	got, err := e.dir.User(context.Background(), strings.ToUpper(upn))
	if err != nil {
		t.Fatalf("User(upper-case UPN): %v", err)
	}
	if got.ID != u.ID {
		t.Errorf("User(upper-case UPN).ID = %q, want %q", got.ID, u.ID)
	}
}

func (s suite) testSpecialUPN(t *testing.T) {
	e := s.env(t)
	for _, prefix := range []string{"o'brien", "$svc", "o''brien-x"} {
		upn := e.upn(prefix)
		u := e.create(t, upn)
		got, err := e.dir.User(context.Background(), upn)
		if err != nil {
			t.Errorf("User(%q): %v", upn, err)
			continue
		}
		if got.ID != u.ID || got.UserPrincipalName != upn {
			t.Errorf("User(%q) = %q/%q, want %q/%q", upn, got.ID, got.UserPrincipalName, u.ID, upn)
		}
		a := e.assign(t, u.ID, teamsAdministrator)
		as, err := e.dir.RoleAssignments(context.Background(), u.ID)
		if err != nil || len(as) != 1 {
			t.Errorf("RoleAssignments(%q) = %v, %v: want one", upn, as, err)
		}
		// The batched paths address the user by UPN too.
		snap, err := directory.ReadSnapshot(context.Background(), e.dir, directory.SnapshotRequest{
			User: upn, RoleAssignments: true, AuthenticationMethods: true,
		})
		switch {
		case err != nil:
			t.Errorf("ReadSnapshot(%q): %v", upn, err)
		case snap.UserErr != nil || snap.RoleAssignmentsErr != nil || snap.AuthenticationMethodsErr != nil:
			t.Errorf("ReadSnapshot(%q) parts failed: user %v, roles %v, methods %v", upn, snap.UserErr, snap.RoleAssignmentsErr, snap.AuthenticationMethodsErr)
		case snap.User.ID != u.ID || len(snap.RoleAssignments) != 1 || snap.RoleAssignments[0].ID != a.ID:
			t.Errorf("ReadSnapshot(%q) = user %q, roles %v; want %q with %q", upn, snap.User.ID, snap.RoleAssignments, u.ID, a.ID)
		}
		if err := directory.DeleteUserAndRoleAssignments(context.Background(), e.dir, u.ID, []string{a.ID}); err != nil {
			t.Errorf("DeleteUserAndRoleAssignments(%q): %v", upn, err)
		}
		_, err = e.dir.User(context.Background(), upn)
		wantErr(t, "User(after delete)", err, directory.ErrNotFound, upn)
	}
}

func (s suite) testEmptyKey(t *testing.T) {
	e := s.env(t)
	_, err := e.dir.User(context.Background(), "")
	if !errors.Is(err, directory.ErrInvalid) {
		t.Errorf("User(\"\") = %v: want ErrInvalid", err)
	}
	snap, err := directory.ReadSnapshot(context.Background(), e.dir, directory.SnapshotRequest{User: "", RoleAssignments: true})
	if err != nil {
		t.Fatalf("ReadSnapshot(\"\"): %v (want the failure in UserErr)", err)
	}
	if !errors.Is(snap.UserErr, directory.ErrInvalid) || snap.RoleAssignmentsErr == nil {
		t.Errorf("ReadSnapshot(\"\") UserErr = %v, RoleAssignmentsErr = %v: want ErrInvalid and a failure", snap.UserErr, snap.RoleAssignmentsErr)
	}
}

func (s suite) testDuplicateUPN(t *testing.T) {
	e := s.env(t)
	upn := e.upn("svc-dup")
	e.create(t, upn)
	_, err := e.dir.CreateUser(context.Background(), newUser(upn))
	wantErr(t, "CreateUser(duplicate)", err, directory.ErrExists, upn)
	_, err = e.dir.CreateUser(context.Background(), newUser(strings.ToUpper(upn)))
	wantErr(t, "CreateUser(duplicate, other case)", err, directory.ErrExists, strings.ToUpper(upn))
}

func (s suite) testUnverifiedDomain(t *testing.T) {
	e := s.env(t)
	upn := fmt.Sprintf("svc-%d@unverified-domain.example", suiteSeq.Add(1))
	_, err := e.dir.CreateUser(context.Background(), newUser(upn))
	wantErr(t, "CreateUser(unverified domain)", err, directory.ErrInvalid, upn)
}

func (s suite) testWeakPassword(t *testing.T) {
	e := s.env(t)
	upn := e.upn("svc-weak")
	nu := newUser(upn)
	nu.Password = directory.NewPassword("password")
	_, err := e.dir.CreateUser(context.Background(), nu)
	wantErr(t, "CreateUser(weak password)", err, directory.ErrInvalid, upn)
	if err != nil && strings.Contains(err.Error(), "password\"") {
		t.Errorf("error %q seems to quote the password", err)
	}
}

func (s suite) testUserNotFound(t *testing.T) {
	e := s.env(t)
	upn := e.upn("nobody")
	_, err := e.dir.User(context.Background(), upn)
	wantErr(t, "User(unknown UPN)", err, directory.ErrNotFound, upn)
	_, err = e.dir.User(context.Background(), unknownObjectID)
	wantErr(t, "User(unknown ID)", err, directory.ErrNotFound, unknownObjectID)
}

func (s suite) testDeleteUser(t *testing.T) {
	e := s.env(t)
	upn := e.upn("svc-del")
	u := e.create(t, upn)
	if err := e.dir.DeleteUser(context.Background(), u.ID); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err := e.dir.User(context.Background(), u.ID)
	wantErr(t, "User(deleted, by ID)", err, directory.ErrNotFound, u.ID)
	_, err = e.dir.User(context.Background(), upn)
	wantErr(t, "User(deleted, by UPN)", err, directory.ErrNotFound, upn)
	// The UPN is free again.
	e.create(t, upn)
}

func (s suite) testDeleteUserNotFound(t *testing.T) {
	e := s.env(t)
	err := e.dir.DeleteUser(context.Background(), unknownObjectID)
	wantErr(t, "DeleteUser(unknown)", err, directory.ErrNotFound, unknownObjectID)
}

func (s suite) testRoleAssignmentLifecycle(t *testing.T) {
	e := s.env(t)
	u := e.create(t, e.upn("svc-roles"))
	a1 := e.assign(t, u.ID, teamsAdministrator)
	a2 := e.assign(t, u.ID, exchangeAdministrator)
	for _, a := range []directory.RoleAssignment{a1, a2} {
		if a.ID == "" || a.PrincipalID != u.ID || a.DirectoryScopeID != directory.TenantScope {
			t.Errorf("CreateRoleAssignment returned %+v", a)
		}
	}
	got, err := e.dir.RoleAssignments(context.Background(), u.ID)
	if err != nil {
		t.Fatalf("RoleAssignments: %v", err)
	}
	byID := cmpopts.SortSlices(func(a, b directory.RoleAssignment) bool { return a.ID < b.ID })
	if diff := cmp.Diff([]directory.RoleAssignment{a1, a2}, got, byID); diff != "" {
		t.Errorf("RoleAssignments mismatch (-want +got):\n%s", diff)
	}
	if err := e.dir.DeleteRoleAssignment(context.Background(), a1.ID); err != nil {
		t.Fatalf("DeleteRoleAssignment: %v", err)
	}
	got, err = e.dir.RoleAssignments(context.Background(), u.ID)
	if err != nil {
		t.Fatalf("RoleAssignments: %v", err)
	}
	if diff := cmp.Diff([]directory.RoleAssignment{a2}, got); diff != "" {
		t.Errorf("RoleAssignments after delete mismatch (-want +got):\n%s", diff)
	}
	// Other principals' assignments are not listed.
	other := e.create(t, e.upn("svc-other"))
	e.assign(t, other.ID, teamsAdministrator)
	got, _ = e.dir.RoleAssignments(context.Background(), u.ID)
	if len(got) != 1 {
		t.Errorf("RoleAssignments(%s) = %v: lists another principal's assignment", u.ID, got)
	}
}

func (s suite) testRoleAssignmentDuplicate(t *testing.T) {
	e := s.env(t)
	u := e.create(t, e.upn("svc-dupa"))
	e.assign(t, u.ID, teamsAdministrator)
	_, err := e.dir.CreateRoleAssignment(context.Background(), directory.RoleAssignment{
		PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: directory.TenantScope,
	})
	wantErr(t, "CreateRoleAssignment(duplicate)", err, directory.ErrExists, u.ID)
	as, _ := e.dir.RoleAssignments(context.Background(), u.ID)
	if len(as) != 1 {
		t.Errorf("after a duplicate assignment, RoleAssignments = %v: want exactly one", as)
	}
}

func (s suite) testRoleAssignmentUnknownPrincipal(t *testing.T) {
	e := s.env(t)
	_, err := e.dir.CreateRoleAssignment(context.Background(), directory.RoleAssignment{
		PrincipalID: unknownObjectID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: directory.TenantScope,
	})
	wantErr(t, "CreateRoleAssignment(unknown principal)", err, directory.ErrNotFound, unknownObjectID)
}

func (s suite) testRoleAssignmentUnknownRole(t *testing.T) {
	e := s.env(t)
	u := e.create(t, e.upn("svc-unknown-role"))
	_, err := e.dir.CreateRoleAssignment(context.Background(), directory.RoleAssignment{
		PrincipalID: u.ID, RoleDefinitionID: unknownRoleID, DirectoryScopeID: directory.TenantScope,
	})
	wantErr(t, "CreateRoleAssignment(unknown role)", err, directory.ErrNotFound, unknownRoleID)
}

func (s suite) testDeleteRoleAssignmentNotFound(t *testing.T) {
	e := s.env(t)
	err := e.dir.DeleteRoleAssignment(context.Background(), unknownObjectID)
	wantErr(t, "DeleteRoleAssignment(unknown)", err, directory.ErrNotFound, unknownObjectID)
}

func (s suite) testRoleAssignmentsUnknownPrincipal(t *testing.T) {
	e := s.env(t)
	as, err := e.dir.RoleAssignments(context.Background(), unknownObjectID)
	if err != nil || len(as) != 0 {
		t.Errorf("RoleAssignments(unknown) = %v, %v: want an empty list and no error", as, err)
	}
}

func (s suite) testAuthenticationMethods(t *testing.T) {
	e := s.env(t)
	u := e.create(t, e.upn("svc-methods"))
	ms, err := e.dir.AuthenticationMethods(context.Background(), u.ID)
	if err != nil {
		t.Fatalf("AuthenticationMethods: %v", err)
	}
	if len(ms) != 1 || ms[0].Type != directory.MethodPassword || ms[0].ID == "" {
		t.Errorf("AuthenticationMethods of a new user = %+v: want exactly the password method", ms)
	}
}

func (s suite) testAuthenticationMethodsNotFound(t *testing.T) {
	e := s.env(t)
	_, err := e.dir.AuthenticationMethods(context.Background(), unknownObjectID)
	wantErr(t, "AuthenticationMethods(unknown)", err, directory.ErrNotFound, unknownObjectID)
}

func (s suite) testSnapshot(t *testing.T) {
	e := s.env(t)
	upn := e.upn("svc-snap")
	u := e.create(t, upn)
	a := e.assign(t, u.ID, teamsAdministrator)
	ds, _ := e.dir.Domains(context.Background())
	ms, _ := e.dir.AuthenticationMethods(context.Background(), u.ID)
	want := directory.Snapshot{
		User:                  u,
		RoleAssignments:       []directory.RoleAssignment{a},
		AuthenticationMethods: ms,
		Domains:               ds,
	}
	for _, key := range []string{u.ID, upn} {
		got, err := directory.ReadSnapshot(context.Background(), e.dir, directory.SnapshotRequest{
			User: key, RoleAssignments: true, AuthenticationMethods: true, Domains: true,
		})
		if err != nil {
			t.Fatalf("ReadSnapshot(%q): %v", key, err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateErrors(), cmpopts.EquateApproxTime(0)); diff != "" {
			t.Errorf("ReadSnapshot(%q) mismatch (-want +got):\n%s", key, diff)
		}
	}
	got, err := directory.ReadSnapshot(context.Background(), e.dir, directory.SnapshotRequest{User: u.ID})
	if err != nil {
		t.Fatalf("ReadSnapshot(user only): %v", err)
	}
	if got.RoleAssignments != nil || got.AuthenticationMethods != nil || got.Domains != nil {
		t.Errorf("ReadSnapshot(user only) read parts it was not asked for: %+v", got)
	}
}

func (s suite) testSnapshotNotFound(t *testing.T) {
	e := s.env(t)
	upn := e.upn("nobody-snap")
	got, err := directory.ReadSnapshot(context.Background(), e.dir, directory.SnapshotRequest{
		User: upn, RoleAssignments: true, AuthenticationMethods: true, Domains: true,
	})
	if err != nil {
		t.Fatalf("ReadSnapshot(unknown): %v", err)
	}
	wantErr(t, "Snapshot.UserErr", got.UserErr, directory.ErrNotFound, upn)
	if got.RoleAssignmentsErr == nil || got.AuthenticationMethodsErr == nil {
		t.Errorf("Snapshot of an unknown user: role/method errors %v, %v: want errors", got.RoleAssignmentsErr, got.AuthenticationMethodsErr)
	}
	if got.DomainsErr != nil || len(got.Domains) == 0 {
		t.Errorf("Snapshot of an unknown user: domains %v, %v: want them read anyway", got.Domains, got.DomainsErr)
	}
}

func (s suite) testCreateRoleAssignments(t *testing.T) {
	e := s.env(t)
	u := e.create(t, e.upn("svc-batch"))
	e.assign(t, u.ID, exchangeAdministrator)
	req := []directory.RoleAssignment{
		{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"},
		{PrincipalID: u.ID, RoleDefinitionID: exchangeAdministrator, DirectoryScopeID: "/"},
		{PrincipalID: u.ID, RoleDefinitionID: unknownRoleID, DirectoryScopeID: "/"},
	}
	res := directory.CreateRoleAssignments(context.Background(), e.dir, req)
	if len(res) != len(req) {
		t.Fatalf("CreateRoleAssignments returned %d results for %d requests", len(res), len(req))
	}
	if res[0].Err != nil || res[0].Assignment.ID == "" || res[0].Assignment.RoleDefinitionID != teamsAdministrator {
		t.Errorf("result 0 = %+v: want created Teams Administrator", res[0])
	}
	wantErr(t, "result 1 (duplicate)", res[1].Err, directory.ErrExists, u.ID)
	wantErr(t, "result 2 (unknown role)", res[2].Err, directory.ErrNotFound, unknownRoleID)
	as, _ := e.dir.RoleAssignments(context.Background(), u.ID)
	if len(as) != 2 {
		t.Errorf("after the batch, RoleAssignments = %v: want 2", as)
	}
}

func (s suite) testDeleteUserAndRoleAssignments(t *testing.T) {
	e := s.env(t)
	upn := e.upn("svc-deprov")
	u := e.create(t, upn)
	a := e.assign(t, u.ID, teamsAdministrator)
	if err := directory.DeleteUserAndRoleAssignments(context.Background(), e.dir, u.ID, []string{a.ID}); err != nil {
		t.Fatalf("DeleteUserAndRoleAssignments: %v", err)
	}
	_, err := e.dir.User(context.Background(), upn)
	wantErr(t, "User(after delete)", err, directory.ErrNotFound, upn)
	err = directory.DeleteUserAndRoleAssignments(context.Background(), e.dir, u.ID, nil)
	wantErr(t, "DeleteUserAndRoleAssignments(again)", err, directory.ErrNotFound, u.ID)
}

func (s suite) testConcurrentCreates(t *testing.T) {
	e := s.env(t)
	const n = 8
	shared := e.upn("svc-race")
	var wg sync.WaitGroup
	var ok, exists atomic.Int32
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			upn := e.upn(fmt.Sprintf("svc-par%d", i))
			u, err := e.dir.CreateUser(context.Background(), newUser(upn))
			if err != nil {
				errs <- fmt.Errorf("CreateUser(%q): %w", upn, err)
				return
			}
			_ = e.dir.DeleteUser(context.Background(), u.ID)
		}()
		go func() {
			defer wg.Done()
			u, err := e.dir.CreateUser(context.Background(), newUser(shared))
			switch {
			case err == nil:
				ok.Add(1)
				t.Cleanup(func() { _ = e.dir.DeleteUser(context.Background(), u.ID) })
			case errors.Is(err, directory.ErrExists):
				exists.Add(1)
			default:
				errs <- fmt.Errorf("CreateUser(%q): %w", shared, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ok.Load() != 1 || exists.Load() != n-1 {
		t.Errorf("%d concurrent creates of one UPN: %d succeeded, %d ErrExists; want 1 and %d", n, ok.Load(), exists.Load(), n-1)
	}
}

func (s suite) testCanceledContext(t *testing.T) {
	e := s.env(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	upn := e.upn("svc-canceled")
	if _, err := e.dir.CreateUser(ctx, newUser(upn)); !errors.Is(err, context.Canceled) {
		t.Errorf("CreateUser(canceled ctx) = %v: want context.Canceled", err)
	}
	if _, err := e.dir.User(context.Background(), upn); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("after a canceled CreateUser, User(%q) = %v: want ErrNotFound", upn, err)
	}
	if _, err := e.dir.User(ctx, upn); !errors.Is(err, context.Canceled) {
		t.Errorf("User(canceled ctx) = %v: want context.Canceled", err)
	}
	// A Snapshot that could not run at all returns the context's error,
	// not a snapshot of failed parts.
	if _, err := directory.ReadSnapshot(ctx, e.dir, directory.SnapshotRequest{User: upn, RoleAssignments: true, Domains: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadSnapshot(canceled ctx) = %v: want context.Canceled", err)
	}
	res := directory.CreateRoleAssignments(ctx, e.dir, []directory.RoleAssignment{{PrincipalID: "11111111-0000-4000-8000-000000000999", RoleDefinitionID: teamsAdministrator, DirectoryScopeID: directory.TenantScope}})
	if len(res) != 1 || !errors.Is(res[0].Err, context.Canceled) {
		t.Errorf("CreateRoleAssignments(canceled ctx) = %v: want one context.Canceled", res)
	}
}
