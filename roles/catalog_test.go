package roles

import (
	"errors"
	"strings"
	"testing"
)

// TestParseCatalogRejects checks that defects in the data files are caught
// at parse time, with a message that names the line and value.
func TestParseCatalogRejects(t *testing.T) {
	const (
		rolesHeader     = "name\ttemplate_id\tprivileged\n"
		teamsAdmin      = "Teams Administrator\t69091246-20e8-4a56-aa4d-066075b2a7a8\tno\n"
		teamsReader     = "Teams Reader\t1076ac91-f3d9-41a7-a339-dcdf5f480acc\tno\n"
		workloadsHeader = "workload\tdisplay_name\tadmin_roles\tread_only_roles\tbasis\n"
		goodRoles       = rolesHeader + teamsAdmin + teamsReader
		goodWorkloads   = workloadsHeader + "teams\tMicrosoft Teams\tTeams Administrator\tTeams Reader\tderived\n"
	)
	goodFormer := map[string]string{"Teams Service Administrator": "Teams Administrator"}

	if _, err := parseCatalog(goodRoles, goodWorkloads, goodFormer); err != nil {
		t.Fatalf("valid data: %v", err)
	}

	if _, err := parseCatalog("", goodWorkloads, goodFormer); err == nil || !strings.Contains(err.Error(), "entra-roles.tsv: empty file") {
		t.Errorf("empty roles file: error = %v, want one naming the file", err)
	}

	for _, tc := range []struct {
		name             string
		roles, workloads string
		former           map[string]string
		is               error
		mention          string
	}{
		{name: "bad roles header", roles: "name\tid\tprivileged\n" + teamsAdmin, mention: "header"},
		{name: "missing field", roles: rolesHeader + "Teams Administrator\t69091246-20e8-4a56-aa4d-066075b2a7a8\n", mention: "line 2"},
		{name: "uppercase ID", roles: rolesHeader + "Teams Administrator\t69091246-20E8-4A56-AA4D-066075B2A7A8\tno\n", mention: "lowercase GUID"},
		{name: "bad privileged", roles: rolesHeader + "Teams Administrator\t69091246-20e8-4a56-aa4d-066075b2a7a8\ttrue\n", mention: `"true"`},
		{name: "duplicate ID", roles: goodRoles + "Teams Other\t69091246-20e8-4a56-aa4d-066075b2a7a8\tno\n", mention: "duplicate"},
		{name: "duplicate name", roles: goodRoles + "teams administrator\t00000000-0000-0000-0000-000000000000\tno\n", mention: "duplicate"},
		{name: "former name of nothing", former: map[string]string{"Old": "Missing Role"}, is: ErrUnknownRole, mention: `"Missing Role"`},
		{name: "unknown admin role", workloads: workloadsHeader + "teams\tMicrosoft Teams\tTeams Admin\t\tderived\n", is: ErrUnknownRole, mention: `"Teams Admin"`},
		{name: "admin role by former name", workloads: workloadsHeader + "teams\tMicrosoft Teams\tTeams Service Administrator\t\tderived\n", is: ErrUnknownRole, mention: `"Teams Service Administrator"`},
		{name: "no admin role", workloads: workloadsHeader + "teams\tMicrosoft Teams\t\tTeams Reader\tderived\n", mention: "no admin role"},
		{name: "duplicate workload", workloads: goodWorkloads + "teams\tTeams again\tTeams Administrator\t\tderived\n", mention: `duplicate workload "teams"`},
		{name: "uppercase workload", workloads: workloadsHeader + "Teams\tMicrosoft Teams\tTeams Administrator\t\tderived\n", mention: `"Teams"`},
		{name: "role listed twice", workloads: workloadsHeader + "teams\tMicrosoft Teams\tTeams Administrator, Teams Administrator\t\tderived\n", mention: "twice"},
		{name: "no workloads", workloads: workloadsHeader, mention: "no workloads"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.roles == "" {
				tc.roles = goodRoles
			}
			if tc.workloads == "" {
				tc.workloads = goodWorkloads
			}
			if tc.former == nil {
				tc.former = goodFormer
			}
			_, err := parseCatalog(tc.roles, tc.workloads, tc.former)
			if err == nil {
				t.Fatal("parseCatalog succeeded, want error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %q", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not mention %s", err, tc.mention)
			}
		})
	}
}

func TestRoleLists(t *testing.T) {
	c, err := parseCatalog(
		"name\ttemplate_id\tprivileged\nA\t00000000-0000-0000-0000-00000000000a\tno\nB\t00000000-0000-0000-0000-00000000000b\tyes\n",
		"workload\tdisplay_name\tadmin_roles\tread_only_roles\tbasis\nw\tW\tB, A\t\tderived\n",
		nil)
	if err != nil {
		t.Fatal(err)
	}
	w := c.workloads[0]
	if len(w.Admin) != 2 || w.Admin[0].Name != "B" || w.Admin[1].Name != "A" || w.ReadOnly != nil {
		t.Errorf("workload = %+v, want admin [B A] in data order and no read-only role", w)
	}
}
