package serviceaccount_test

import (
	"strings"
	"testing"

	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
)

func TestAccountValidate(t *testing.T) {
	for _, tc := range []struct {
		name         string
		acct         serviceaccount.Account
		field, value string
		is           error // see checkClass
	}{
		{"neither ID nor UPN", serviceaccount.Account{}, "Account", "", nil},
		{"ID not a GUID", serviceaccount.Account{ID: "42"}, "ID", "42", nil},
		{"UPN with a control character", serviceaccount.Account{UserPrincipalName: "svc\x00@contoso.com"}, "UserPrincipalName", "svc\x00@contoso.com", nil},
		{"usage location", serviceaccount.Account{UserPrincipalName: testUPN, UsageLocation: "USA"}, "UsageLocation", "USA", nil},
		{"access out of range", serviceaccount.Account{UserPrincipalName: testUPN, Workloads: []roles.Workload{roles.Teams}, Access: 9}, "Access", "9", nil},
		{"unknown workload", serviceaccount.Account{UserPrincipalName: testUPN, Workloads: []roles.Workload{"bogus"}, Access: roles.Admin}, "Workloads", "bogus", roles.ErrUnknownWorkload},
		{"unknown workload, access not set", serviceaccount.Account{UserPrincipalName: testUPN, Workloads: []roles.Workload{"bogus"}, Access: 0}, "", "", roles.ErrUnknownWorkload},
		{"no read-only role", serviceaccount.Account{UserPrincipalName: testUPN, Workloads: []roles.Workload{roles.Compliance}, Access: roles.ReadOnly}, "Workloads", "compliance", roles.ErrNoReadOnlyRole},
		{"access not set", serviceaccount.Account{UserPrincipalName: testUPN, Workloads: []roles.Workload{roles.Teams}}, "Access", "", nil},
		{"unknown role", serviceaccount.Account{UserPrincipalName: testUPN, Roles: []string{"Root"}}, "Roles", "Root", roles.ErrUnknownRole},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.acct.Validate()
			if tc.field != "" {
				checkFieldError(t, err, tc.field, tc.value)
			}
			checkClass(t, err, tc.is)
		})
	}
	// Verify checks accounts created by hand: privileged roles are a
	// legitimate expectation there, and no role at all is too.
	for _, acct := range []serviceaccount.Account{
		{UserPrincipalName: testUPN},
		{ID: firstUserID, Workloads: []roles.Workload{roles.Exchange}, Access: roles.ReadOnly, UsageLocation: "au"},
		{ID: "11111111-0000-4000-8000-00000000000A", Roles: []string{"Global Administrator"}},
	} {
		if err := acct.Validate(); err != nil {
			t.Errorf("%v.Validate() = %v", acct, err)
		}
	}
}

func TestAccountExpectedRoles(t *testing.T) {
	acct := serviceaccount.Account{
		UserPrincipalName: testUPN,
		Workloads:         []roles.Workload{roles.Teams, roles.Exchange},
		Access:            roles.Admin,
		Roles:             []string{"Exchange Service Administrator", "compliance administrator"},
	}
	got, err := acct.ExpectedRoles()
	if err != nil {
		t.Fatal(err)
	}
	want := []roles.Role{
		{ID: complianceAdminID, Name: "Compliance Administrator"},
		{ID: exchangeAdminID, Name: "Exchange Administrator"},
		{ID: teamsAdminID, Name: "Teams Administrator"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ExpectedRoles (-want +got):\n%s", diff)
	}
}

func TestAccountKeyAndString(t *testing.T) {
	for _, tc := range []struct {
		acct       serviceaccount.Account
		key, print string
	}{
		{serviceaccount.Account{ID: firstUserID, UserPrincipalName: testUPN}, firstUserID, testUPN + " (" + firstUserID + ")"},
		{serviceaccount.Account{UserPrincipalName: testUPN}, testUPN, testUPN},
		{serviceaccount.Account{ID: firstUserID}, firstUserID, firstUserID},
	} {
		if got := tc.acct.Key(); got != tc.key {
			t.Errorf("Key() = %q, want %q", got, tc.key)
		}
		if got := tc.acct.String(); got != tc.print {
			t.Errorf("String() = %q, want %q", got, tc.print)
		}
	}
}

// With the access level unset, unknown workloads are still reported: every
// problem at once.
func TestAccountValidateAccessUnsetAndUnknownWorkload(t *testing.T) {
	err := serviceaccount.Account{UserPrincipalName: testUPN, Workloads: []roles.Workload{roles.Teams, "bogus"}}.Validate()
	for _, want := range []string{`Access ""`, `Workloads "bogus"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v; want it to report %s", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), `"teams"`) {
		t.Errorf("Validate() = %v; reports the known workload teams", err)
	}
}
