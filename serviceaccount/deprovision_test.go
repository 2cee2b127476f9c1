package serviceaccount_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
)

func TestDeprovision(t *testing.T) {
	for _, tc := range []struct {
		name       string
		primitives bool
		acct       func(res serviceaccount.Result) serviceaccount.Account
	}{
		{"by ID", false, func(r serviceaccount.Result) serviceaccount.Account { return serviceaccount.Account{ID: r.Account.ID} }},
		{"by UPN", false, func(serviceaccount.Result) serviceaccount.Account {
			return serviceaccount.Account{UserPrincipalName: testUPN}
		}},
		{"by UPN in another case", false, func(serviceaccount.Result) serviceaccount.Account {
			return serviceaccount.Account{UserPrincipalName: strings.ToUpper(testUPN)}
		}},
		{"by the Result's Account", false, func(r serviceaccount.Result) serviceaccount.Account { return r.Account }},
		{"by ID, one call per primitive", true, func(r serviceaccount.Result) serviceaccount.Account {
			return serviceaccount.Account{ID: r.Account.ID}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, clk, res := provisionedWithHandAddedRole(t)
			var dir directory.Directory = fake
			if tc.primitives {
				dir = primitivesOnly{fake}
			}
			p := newProvisioner(dir, clk, nil)
			acct := tc.acct(res)
			if err := p.Deprovision(context.Background(), acct); err != nil {
				t.Fatalf("Deprovision: %v", err)
			}
			if userExists(t, fake, res.Account.ID) || userExists(t, fake, testUPN) {
				t.Error("the account still exists")
			}
			if held := heldRoles(t, fake, res.Account.ID); len(held) != 0 {
				t.Errorf("role assignments left: %v", held)
			}

			// Idempotent: the second call finds nothing and writes nothing.
			fake.ResetCalls()
			if err := p.Deprovision(context.Background(), acct); err != nil {
				t.Errorf("second Deprovision: %v", err)
			}
			if w := writeOps(fake); len(w) != 0 {
				t.Errorf("second Deprovision wrote: %v", w)
			}
		})
	}
}

// provisionedWithHandAddedRole provisions the test account and adds a role
// by hand, which Deprovision must remove too.
func provisionedWithHandAddedRole(t *testing.T) (*directorytest.Fake, *fakeClock, serviceaccount.Result) {
	t.Helper()
	fake, clk := newFake(t)
	res, err := newProvisioner(fake, clk, nil).Provision(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if _, err := fake.CreateRoleAssignment(context.Background(), directory.RoleAssignment{
		PrincipalID: res.Account.ID, RoleDefinitionID: globalReaderID, DirectoryScopeID: "/",
	}); err != nil {
		t.Fatal(err)
	}
	fake.ResetCalls()
	return fake, clk, res
}

func TestDeprovisionOneReadOneWrite(t *testing.T) {
	fake, clk, res := provisionedWithHandAddedRole(t)
	if err := newProvisioner(fake, clk, nil).Deprovision(context.Background(), res.Account); err != nil {
		t.Fatal(err)
	}
	want := []directorytest.Call{
		{Op: directorytest.OpSnapshot, Object: res.Account.ID},
		{Op: directorytest.OpDeleteUserAndRoleAssignments, Object: res.Account.ID},
	}
	if diff := cmp.Diff(want, fake.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestDeprovisionIdentityMismatch(t *testing.T) {
	fake, clk, res := provisionedWithHandAddedRole(t)
	other := "someone-else@contoso.onmicrosoft.com"
	err := newProvisioner(fake, clk, nil).Deprovision(context.Background(), serviceaccount.Account{ID: res.Account.ID, UserPrincipalName: other})
	if !errors.Is(err, directory.ErrInvalid) {
		t.Fatalf("Deprovision = %v, want ErrInvalid", err)
	}
	for _, want := range []string{res.Account.ID, testUPN, other, "check identity"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if !userExists(t, fake, res.Account.ID) {
		t.Error("the account was deleted")
	}
	if w := writeOps(fake); len(w) != 0 {
		t.Errorf("writes: %v", w)
	}
}

func TestDeprovisionInvalidAccount(t *testing.T) {
	for _, tc := range []struct {
		name         string
		acct         serviceaccount.Account
		field, value string
	}{
		{"neither ID nor UPN", serviceaccount.Account{}, "Account", ""},
		{"ID not a GUID", serviceaccount.Account{ID: "svc-cloudhub"}, "ID", "svc-cloudhub"},
		{"ID a GUID without hyphens", serviceaccount.Account{ID: "111111110000400080000000000000010000"}, "ID", "111111110000400080000000000000010000"},
		{"ID with an OData quote", serviceaccount.Account{ID: "1111111'-0000-4000-8000-000000000001", UserPrincipalName: testUPN}, "ID", "1111111'-0000-4000-8000-000000000001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, clk := newFake(t)
			err := newProvisioner(fake, clk, nil).Deprovision(context.Background(), tc.acct)
			checkFieldError(t, err, tc.field, tc.value)
			if calls := fake.Calls(); len(calls) != 0 {
				t.Errorf("the directory was called: %v", calls)
			}
		})
	}
}

func TestDeprovisionAbsent(t *testing.T) {
	fake, clk := newFake(t)
	p := newProvisioner(fake, clk, nil)
	for _, acct := range []serviceaccount.Account{{ID: unknownButValidID}, {UserPrincipalName: testUPN}, {ID: unknownButValidID, UserPrincipalName: testUPN}} {
		if err := p.Deprovision(context.Background(), acct); err != nil {
			t.Errorf("Deprovision(%v) = %v, want nil", acct, err)
		}
	}
	if w := writeOps(fake); len(w) != 0 {
		t.Errorf("writes: %v", w)
	}
}

func TestDeprovisionFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    directorytest.FaultFunc
		wantIs   error
		wantStep string
	}{
		{"read denied", failOps(directory.ErrPermission, directorytest.OpSnapshot), directory.ErrPermission, "read account"},
		{"delete throttled", failOps(directory.ErrThrottled, directorytest.OpDeleteUserAndRoleAssignments), directory.ErrThrottled, "delete account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, clk, res := provisionedWithHandAddedRole(t)
			fake.SetFault(tc.fault)
			err := newProvisioner(fake, clk, nil).Deprovision(context.Background(), res.Account)
			if !errors.Is(err, tc.wantIs) {
				t.Fatalf("Deprovision = %v, want %v", err, tc.wantIs)
			}
			var se *serviceaccount.Error
			if !errors.As(err, &se) || se.Op != "deprovision" || se.Step != tc.wantStep {
				t.Errorf("error = %#v; want Op deprovision, Step %q", se, tc.wantStep)
			}
			if !strings.Contains(err.Error(), testUPN) {
				t.Errorf("error %q does not name the account", err)
			}
			fake.SetFault(nil)
			if !userExists(t, fake, res.Account.ID) {
				t.Error("the account is gone")
			}
		})
	}
}
