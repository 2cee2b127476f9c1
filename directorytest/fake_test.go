package directorytest_test

import (
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

func TestFakeConformance(t *testing.T) {
	directorytest.TestDirectory(t, func(t *testing.T) directory.Directory {
		return directorytest.New(nil)
	})
}

// The fake without its optional interfaces exercises the fallbacks in
// package directory.
type primitivesOnly struct{ directory.Directory }

func TestPrimitivesOnlyConformance(t *testing.T) {
	directorytest.TestDirectory(t, func(t *testing.T) directory.Directory {
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
