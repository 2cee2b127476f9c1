package graphdir

import (
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// GET /me/transitiveMemberOf answers groups, directory roles and
// administrative units alike
// (https://learn.microsoft.com/graph/api/user-list-transitivememberof):
// the roles and the groups are kept, anything else skipped.
func TestMembershipFromModel(t *testing.T) {
	str := func(s string) *string { return &s }
	yes := true
	role := models.NewDirectoryRole()
	role.SetId(str("d12e0394-69f5-4237-9190-012177145e10"))
	role.SetRoleTemplateId(str("62E90394-69F5-4237-9190-012177145E10"))
	role.SetDisplayName(str("Global Administrator"))
	group := models.NewGroup()
	group.SetId(str("44444444-0000-4000-8000-000000000001"))
	group.SetDisplayName(str("Tier0 admins"))
	group.SetIsAssignableToRole(&yes)
	au := models.NewAdministrativeUnit()
	au.SetId(str("55555555-0000-4000-8000-000000000001"))
	for _, tc := range []struct {
		name string
		in   models.DirectoryObjectable
		want membership
	}{
		{"directory role", role, membership{ok: true, role: directory.RoleMembership{
			RoleTemplateID: "62e90394-69f5-4237-9190-012177145e10", RoleID: "d12e0394-69f5-4237-9190-012177145e10", DisplayName: "Global Administrator", DirectoryScopeID: "/"}}},
		{"group", group, membership{group: &directory.Group{ID: "44444444-0000-4000-8000-000000000001", DisplayName: "Tier0 admins", IsAssignableToRole: true}}},
		{"administrative unit", au, membership{}},
	} {
		if diff := cmp.Diff(tc.want, membershipFromModel(tc.in), cmp.AllowUnexported(membership{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
