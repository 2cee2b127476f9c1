package serviceaccount_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
)

func TestPlanFreshTenant(t *testing.T) {
	fake, clk := newFake(t)
	spec := validSpec()
	spec.UsageLocation = "au"
	plan, err := newProvisioner(fake, clk, nil).Plan(context.Background(), spec)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	want := serviceaccount.Plan{
		UserPrincipalName: testUPN,
		Roles: []roles.Role{
			{ID: exchangeAdminID, Name: "Exchange Administrator"},
			{ID: teamsAdminID, Name: "Teams Administrator"},
		},
		Changes: []serviceaccount.Change{
			{Action: serviceaccount.ActionCreateUser, Object: testUPN,
				Detail: `displayName "CloudHub service account", mailNickname "svc-cloudhub", usageLocation AU, temporary password, must change at first sign-in`},
			{Action: serviceaccount.ActionAssignRole, Object: "Exchange Administrator", RoleID: exchangeAdminID, Scope: "/"},
			{Action: serviceaccount.ActionAssignRole, Object: "Teams Administrator", RoleID: teamsAdminID, Scope: "/"},
		},
	}
	if diff := cmp.Diff(want, plan); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if plan.Empty() {
		t.Error("Empty() = true")
	}
	wantCalls := []directorytest.Call{{Op: directorytest.OpSnapshot, Object: testUPN}}
	if diff := cmp.Diff(wantCalls, fake.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}

	// Golden-ish: the lines a person reads.
	s := plan.String()
	for _, line := range []string{
		"Plan for svc-cloudhub@contoso.onmicrosoft.com: 3 to add, 0 to remove.\n",
		`  + user svc-cloudhub@contoso.onmicrosoft.com  # displayName "CloudHub service account", mailNickname "svc-cloudhub", usageLocation AU, temporary password, must change at first sign-in` + "\n",
		"  + role Exchange Administrator (29232cdf-9323-42fd-ade2-1d097af3e4de) at /\n",
		"  + role Teams Administrator (69091246-20e8-4a56-aa4d-066075b2a7a8) at /\n",
	} {
		if !strings.Contains(s, line) {
			t.Errorf("Plan.String() lacks the line %q:\n%s", line, s)
		}
	}
	if !strings.HasPrefix(s, "Plan for ") || strings.Count(s, "\n") != 4 {
		t.Errorf("Plan.String() =\n%s", s)
	}

	// Provision then makes exactly the planned changes.
	res, err := newProvisioner(fake, clk, nil).Provision(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	var planned, made []string
	for _, c := range plan.Changes {
		planned = append(planned, string(c.Action)+" "+c.Object)
	}
	for _, c := range res.Changes {
		made = append(made, string(c.Action)+" "+c.Object)
	}
	if diff := cmp.Diff(planned, made); diff != "" {
		t.Errorf("planned vs made (-planned +made):\n%s", diff)
	}
}

func TestPlanConverged(t *testing.T) {
	fake, p, res := provisioned(t, validSpec())
	plan, err := p.Plan(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if !plan.Empty() || !plan.Exists || plan.UserID != res.Account.ID {
		t.Errorf("plan: Empty=%v Exists=%v UserID=%q", plan.Empty(), plan.Exists, plan.UserID)
	}
	want := "Plan for svc-cloudhub@contoso.onmicrosoft.com: 0 to add, 0 to remove.\n  No changes: the account is up to date.\n"
	if diff := cmp.Diff(want, plan.String()); diff != "" {
		t.Errorf("Plan.String() (-want +got):\n%s", diff)
	}
	wantCalls := []directorytest.Call{{Op: directorytest.OpSnapshot, Object: testUPN}}
	if diff := cmp.Diff(wantCalls, fake.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestPlanMissingRole(t *testing.T) {
	teamsOnly := validSpec()
	teamsOnly.Workloads = []roles.Workload{roles.Teams}
	fake, p, _ := provisioned(t, teamsOnly)
	plan, err := p.Plan(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	want := []serviceaccount.Change{{Action: serviceaccount.ActionAssignRole, Object: "Exchange Administrator", RoleID: exchangeAdminID, Scope: "/"}}
	if diff := cmp.Diff(want, plan.Changes); diff != "" {
		t.Errorf("Changes (-want +got):\n%s", diff)
	}
	if !strings.Contains(plan.String(), ": 1 to add, 0 to remove.") {
		t.Errorf("Plan.String() =\n%s", plan)
	}
	if fake.Writes() != 0 {
		t.Errorf("Plan wrote")
	}
}

func TestPlanJSON(t *testing.T) {
	fake, clk := newFake(t)
	spec := validSpec()
	spec.Workloads = []roles.Workload{roles.Teams}
	plan, err := newProvisioner(fake, clk, nil).Plan(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"userPrincipalName": testUPN,
		"exists":            false,
		"roles":             []any{map[string]any{"id": teamsAdminID, "name": "Teams Administrator", "privileged": false}},
		"changes": []any{
			map[string]any{"action": "create-user", "object": testUPN,
				"detail": `displayName "CloudHub service account", mailNickname "svc-cloudhub", usageLocation AU, temporary password, must change at first sign-in`},
			map[string]any{"action": "assign-role", "object": "Teams Administrator", "roleId": teamsAdminID, "scope": "/"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}
