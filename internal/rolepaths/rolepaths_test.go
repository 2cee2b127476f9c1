package rolepaths

import (
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
)

// Describe names the role, the scope and the path of each kind of grant.
func TestDescribe(t *testing.T) {
	const (
		globalAdmin = "62e90394-69f5-4237-9190-012177145e10"
		custom      = "7d3c1a52-0000-4000-8000-c0570e000001"
		au          = "/administrativeUnits/5f0c9e2a-0000-4000-8000-000000000a01"
		app         = "/0d6e1b2c-0000-4000-8000-0000000a9901"
	)
	end := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	n := NewNamer(directory.RolePaths{
		RoleDefinitions: []directory.RoleDefinition{{ID: custom, DisplayName: "Helpdesk Tier 2"}},
		Scopes:          []directory.DirectoryScope{{ID: au, Type: directory.ScopeTypeAdministrativeUnit, DisplayName: "Sydney"}},
	})
	tier0 := &directory.Group{ID: "g1", DisplayName: "Tier0 admins"}
	for _, tc := range []struct {
		g    Grant
		want string
	}{
		{Grant{RoleID: globalAdmin, ScopeID: "/"}, "Global Administrator at /"},
		{Grant{RoleID: globalAdmin, ScopeID: "/", Eligible: true, End: end}, "Global Administrator at / — eligible through PIM until 2027-01-31"},
		{Grant{RoleID: globalAdmin, ScopeID: "/", Eligible: true, From: end}, "Global Administrator at / — eligible through PIM from 2027-01-31 with no end date"},
		{Grant{RoleID: globalAdmin, ScopeID: "/", End: end}, "Global Administrator at / — active through PIM until 2027-01-31"},
		{Grant{RoleID: globalAdmin, ScopeID: "/", Group: tier0}, "Global Administrator at / — through group 'Tier0 admins' (g1)"},
		{Grant{RoleID: globalAdmin, ScopeID: "/", Group: &directory.Group{ID: "g2"}}, "Global Administrator at / — through group '(name not readable)' (g2)"},
		{Grant{RoleID: custom, ScopeID: au}, "custom role 'Helpdesk Tier 2' (" + custom + ") at " + au + " — scoped to administrative unit 'Sydney' (5f0c9e2a-0000-4000-8000-000000000a01)"},
		{Grant{RoleID: "00000000-0000-4000-8000-0000000000cc", ScopeID: app}, "custom role 00000000-0000-4000-8000-0000000000cc at " + app + " — scoped to application 0d6e1b2c-0000-4000-8000-0000000a9901"},
		{Grant{RoleID: globalAdmin, ScopeID: "/administrativeUnits/x"}, "Global Administrator at /administrativeUnits/x — scoped to administrative unit x"},
	} {
		if diff := cmp.Diff(tc.want, n.Describe(tc.g)); diff != "" {
			t.Errorf("Describe(%+v) (-want +got):\n%s", tc.g, diff)
		}
	}
}

// Collect takes the end of a time-bound assignment from its active
// schedule, adds an active schedule the list did not return, leaves out
// expired eligibilities, and notes a tenant without PIM.
func TestCollect(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	end := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	snap := directory.Snapshot{
		RoleAssignments: []directory.RoleAssignment{{ID: "a1", RoleDefinitionID: "R1", DirectoryScopeID: "/"}},
		RolePaths: directory.RolePaths{
			ActiveSchedules: []directory.RoleSchedule{
				{RoleAssignmentID: "a1", RoleDefinitionID: "r1", DirectoryScopeID: "/", EndDateTime: end},
				{RoleAssignmentID: "a2", RoleDefinitionID: "r2", DirectoryScopeID: "/", EndDateTime: end},
				{RoleAssignmentID: "a3", RoleDefinitionID: "r3", DirectoryScopeID: "/", EndDateTime: now.Add(-time.Hour)},
			},
			Eligibilities: []directory.RoleSchedule{
				{RoleDefinitionID: "r4", DirectoryScopeID: "/", EndDateTime: now.Add(-time.Hour)},
				{RoleDefinitionID: "r5", DirectoryScopeID: "/", StartDateTime: now.Add(time.Hour)},
			},
			GroupsErr: directory.ErrUnavailable,
		},
	}
	r := Collect(snap, now)
	want := []Grant{
		{RoleID: "r1", ScopeID: "/", End: end},
		{RoleID: "r2", ScopeID: "/", End: end},
		{RoleID: "r5", ScopeID: "/", Eligible: true, From: now.Add(time.Hour)},
	}
	if diff := cmp.Diff(want, r.Grants); diff != "" {
		t.Errorf("Grants (-want +got):\n%s", diff)
	}
	if len(r.Unreadable) != 1 || r.Unreadable[0].What != "role-assignable group memberships" {
		t.Errorf("Unreadable = %+v", r.Unreadable)
	}
	snap.RolePaths = directory.RolePaths{EligibilitiesErr: directory.ErrNotLicensed, ActiveSchedulesErr: directory.ErrNotLicensed}
	if r := Collect(snap, now); len(r.Unreadable) != 0 || len(r.Notes) != 1 || r.Notes[0] != NoPIM {
		t.Errorf("without P2: %+v", r)
	}
}
