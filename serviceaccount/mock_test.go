package serviceaccount_test

import (
	"context"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/serviceaccount/internal/mockdir"
	"go.uber.org/mock/gomock"
)

var _ interface {
	directory.Directory
	directory.Snapshotter
} = (*mockdir.MockDirectory)(nil)

// convergedSnapshot is what the directory holds for validSpec once it has
// been provisioned.
func convergedSnapshot() directory.Snapshot {
	return directory.Snapshot{
		User: directory.User{
			ID: firstUserID, UserPrincipalName: testUPN, DisplayName: testDisplayName, MailNickname: "svc-cloudhub",
			AccountEnabled: true, UserType: directory.UserTypeMember, UsageLocation: "AU",
			EmployeeType: serviceaccount.MarkerPrefix + "0123456789ab",
		},
		RoleAssignments: []directory.RoleAssignment{
			{ID: "22222222-0000-4000-8000-000000000002", PrincipalID: firstUserID, RoleDefinitionID: exchangeAdminID, DirectoryScopeID: "/"},
			{ID: "22222222-0000-4000-8000-000000000003", PrincipalID: firstUserID, RoleDefinitionID: teamsAdminID, DirectoryScopeID: "/"},
		},
		Domains: []directory.Domain{{ID: "contoso.onmicrosoft.com", IsVerified: true, IsDefault: true, IsInitial: true}},
	}
}

// A converged account costs one Snapshot and nothing else: no CreateUser,
// no CreateRoleAssignment, no Delete*, not even another read. The mock
// fails the test on any call not expected here.
func TestConvergedRerunCallsOnlySnapshot(t *testing.T) {
	ctrl := gomock.NewController(t)
	dir := mockdir.NewMockDirectory(ctrl)
	dir.EXPECT().
		Snapshot(gomock.Any(), directory.SnapshotRequest{User: testUPN, RoleAssignments: true, Domains: true, RolePaths: true, MemberOf: true, SignInPolicies: true}).
		Return(convergedSnapshot(), nil).
		Times(1)

	res, err := serviceaccount.New(dir, nil).Provision(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if res.Created || len(res.Changes) != 0 || !res.Password.IsZero() {
		t.Errorf("Created=%v Changes=%v password set=%v", res.Created, res.Changes, !res.Password.IsZero())
	}
}

func TestConvergedPlanCallsOnlySnapshot(t *testing.T) {
	ctrl := gomock.NewController(t)
	dir := mockdir.NewMockDirectory(ctrl)
	dir.EXPECT().
		Snapshot(gomock.Any(), directory.SnapshotRequest{User: testUPN, RoleAssignments: true, Domains: true, RolePaths: true, MemberOf: true, SignInPolicies: true}).
		Return(convergedSnapshot(), nil).
		Times(1)
	plan, err := serviceaccount.New(dir, nil).Plan(context.Background(), validSpec())
	if err != nil || !plan.Empty() {
		t.Errorf("Plan = %v, %v; want an empty plan", plan, err)
	}
}

// A missing role costs the Snapshot and exactly one assignment of that
// role (this directory has no batch interface, so the primitive is used).
func TestMissingRoleCallsOneAssignment(t *testing.T) {
	ctrl := gomock.NewController(t)
	dir := mockdir.NewMockDirectory(ctrl)
	snap := convergedSnapshot()
	snap.RoleAssignments = snap.RoleAssignments[1:] // Teams only
	want := directory.RoleAssignment{PrincipalID: firstUserID, RoleDefinitionID: exchangeAdminID, DirectoryScopeID: "/"}
	gomock.InOrder(
		dir.EXPECT().Snapshot(gomock.Any(), gomock.Any()).Return(snap, nil),
		dir.EXPECT().CreateRoleAssignment(gomock.Any(), want).DoAndReturn(
			func(_ context.Context, a directory.RoleAssignment) (directory.RoleAssignment, error) {
				a.ID = "22222222-0000-4000-8000-000000000009"
				return a, nil
			}),
	)
	res, err := serviceaccount.New(dir, nil).Provision(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if len(res.Changes) != 1 || res.Changes[0].RoleID != exchangeAdminID {
		t.Errorf("Changes = %v", res.Changes)
	}
}
