package directorytest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/directorytest/conformance"
)

func TestFakeConformance(t *testing.T) {
	conformance.TestDirectory(t, func(t *testing.T) directory.Directory {
		return directorytest.New(nil)
	})
}

// The fake without its optional interfaces exercises the fallbacks in
// package directory.
type primitivesOnly struct{ directory.Directory }

func TestPrimitivesOnlyConformance(t *testing.T) {
	conformance.TestDirectory(t, func(t *testing.T) directory.Directory {
		return primitivesOnly{directorytest.New(nil)}
	})
}

func TestFakeInspection(t *testing.T) {
	ctx := t.Context()
	f := directorytest.New(nil)
	u, err := f.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: "a@" + directorytest.DefaultDomain, DisplayName: "a", MailNickname: "a",
		AccountEnabled: true, Password: directory.NewPassword("Inspect-Me-1234!"),
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: "69091246-20e8-4a56-aa4d-066075b2a7a8", DirectoryScopeID: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if us := f.Users(); len(us) != 1 || us[0].ID != u.ID {
		t.Errorf("Users() = %v", us)
	}
	if as := f.AllRoleAssignments(); len(as) != 1 || as[0] != a {
		t.Errorf("AllRoleAssignments() = %v", as)
	}
	if err := f.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if len(f.Users()) != 0 || len(f.AllRoleAssignments()) != 0 {
		t.Errorf("after delete: %v, %v", f.Users(), f.AllRoleAssignments())
	}
}

const teamsAdmin = "69091246-20e8-4a56-aa4d-066075b2a7a8"

func newUser(upn string) directory.NewUser {
	return directory.NewUser{
		UserPrincipalName: upn, DisplayName: "x", MailNickname: "x",
		AccountEnabled: true, Password: directory.NewPassword("Inspect-Me-1234!"),
	}
}

func TestFakeReadLag(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	f := directorytest.New(&directorytest.Options{Now: func() time.Time { return now }, ReadLag: 10 * time.Second})
	upn := "lag@" + directorytest.DefaultDomain
	u, err := f.CreateUser(ctx, newUser(upn))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{upn, u.ID, strings.ToUpper(u.ID)} {
		if _, err := f.User(ctx, key); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("User(%q) during the read lag: err = %v, want ErrNotFound", key, err)
		}
	}
	snap, err := f.Snapshot(ctx, directory.SnapshotRequest{User: upn, AuthenticationMethods: true})
	if err != nil || !errors.Is(snap.UserErr, directory.ErrNotFound) || !errors.Is(snap.AuthenticationMethodsErr, directory.ErrNotFound) {
		t.Errorf("Snapshot during the read lag = %+v, %v; want the user and its methods not found", snap, err)
	}
	if _, err := f.AuthenticationMethods(ctx, u.ID); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("AuthenticationMethods during the read lag: err = %v, want ErrNotFound", err)
	}
	// The write is applied: the UPN is taken.
	if _, err := f.CreateUser(ctx, newUser(upn)); !errors.Is(err, directory.ErrExists) {
		t.Errorf("second CreateUser during the read lag: err = %v, want ErrExists", err)
	}
	now = now.Add(10 * time.Second)
	got, err := f.User(ctx, upn)
	if err != nil || got.ID != u.ID {
		t.Errorf("User after the read lag = %v, %v; want %s", got.ID, err, u.ID)
	}
	// Deleting by ID works whatever reads see.
	f.SetReadLag(time.Hour)
	v, err := f.CreateUser(ctx, newUser("lag2@"+directorytest.DefaultDomain))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.DeleteUser(ctx, strings.ToUpper(v.ID)); err != nil {
		t.Errorf("DeleteUser during the read lag (upper-case ID): %v", err)
	}
}

func TestFakeFaultsReachTheBatchedPaths(t *testing.T) {
	ctx := t.Context()
	f := directorytest.New(nil)
	u, err := f.CreateUser(ctx, newUser("faults@"+directorytest.DefaultDomain))
	if err != nil {
		t.Fatal(err)
	}
	denied := errors.Join(errors.New("denied"), directory.ErrPermission)
	f.SetFault(func(op directorytest.Op, object string) error {
		switch op {
		case directorytest.OpAuthenticationMethods, directorytest.OpDomains:
			return denied
		case directorytest.OpCreateRoleAssignment:
			if strings.HasPrefix(object, teamsAdmin+"/") {
				return denied
			}
		case directorytest.OpDeleteUser:
			return denied
		}
		return nil
	})
	snap, err := f.Snapshot(ctx, directory.SnapshotRequest{User: u.ID, RoleAssignments: true, AuthenticationMethods: true, Domains: true})
	if err != nil {
		t.Fatal(err)
	}
	if snap.UserErr != nil || snap.RoleAssignmentsErr != nil {
		t.Errorf("undenied parts failed: user %v, role assignments %v", snap.UserErr, snap.RoleAssignmentsErr)
	}
	if !errors.Is(snap.AuthenticationMethodsErr, directory.ErrPermission) || snap.AuthenticationMethods != nil {
		t.Errorf("denied methods: %v, %v; want ErrPermission and no methods", snap.AuthenticationMethods, snap.AuthenticationMethodsErr)
	}
	if !errors.Is(snap.DomainsErr, directory.ErrPermission) || snap.Domains != nil {
		t.Errorf("denied domains: %v, %v; want ErrPermission and no domains", snap.Domains, snap.DomainsErr)
	}
	res := f.CreateRoleAssignments(ctx, []directory.RoleAssignment{
		{PrincipalID: u.ID, RoleDefinitionID: teamsAdmin, DirectoryScopeID: "/"},
		{PrincipalID: u.ID, RoleDefinitionID: "29232cdf-9323-42fd-ade2-1d097af3e4de", DirectoryScopeID: "/"},
	})
	if !errors.Is(res[0].Err, directory.ErrPermission) || res[1].Err != nil {
		t.Errorf("CreateRoleAssignments errors = %v, %v; want ErrPermission for the denied role only", res[0].Err, res[1].Err)
	}
	if err := f.DeleteUserAndRoleAssignments(ctx, u.ID, []string{res[1].Assignment.ID}); !errors.Is(err, directory.ErrPermission) {
		t.Errorf("DeleteUserAndRoleAssignments with OpDeleteUser denied: err = %v, want ErrPermission", err)
	}
	if len(f.Users()) != 1 || len(f.AllRoleAssignments()) != 1 {
		t.Errorf("a denied delete changed the directory: %d users, %d assignments", len(f.Users()), len(f.AllRoleAssignments()))
	}
}
