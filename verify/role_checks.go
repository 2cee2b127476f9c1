package verify

import (
	"fmt"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

func roleChecks(expected []roles.Role, snap directory.Snapshot) []Check {
	var cs []Check
	if err := snap.RoleAssignmentsErr; err != nil {
		hint := permissionHint(err)
		ev := fmt.Sprintf("role assignments could not be read: %v", err)
		cs = append(cs,
			unknown(CheckRolesAssigned, ev, hint),
			unknown(CheckLeastPrivilege, ev, hint),
			unknown(CheckNoUnexpectedPrivAdm, ev, hint))
	} else {
		cs = append(cs, assignedChecks(expected, snap.RoleAssignments)...)
	}
	if c, ok := privilegedExpectedCheck(expected); ok {
		cs = append(cs, c)
	}
	return cs
}

// privilegedExpectedCheck returns the warning for expected privileged roles,
// if any. It rests on the Account alone, not on what the directory holds.
func privilegedExpectedCheck(expected []roles.Role) (Check, bool) {
	var names []string
	for _, r := range expected {
		if r.Privileged {
			names = append(names, r.Name)
		}
	}
	if len(names) == 0 {
		return Check{}, false
	}
	return check(CheckPrivilegedExpected, StatusWarn, "expected privileged role(s): "+strings.Join(names, ", "),
		"Privileged roles were explicitly allowed. Prefer a less privileged role where the workload allows it, and review this account regularly."), true
}

func roleName(id string) (roles.Role, string) {
	if r, ok := roles.Lookup(id); ok {
		return r, r.Name
	}
	return roles.Role{ID: id}, "custom role " + id
}

func assignedChecks(expected []roles.Role, as []directory.RoleAssignment) []Check {
	atTenant := map[string]bool{}
	for _, a := range as {
		if a.DirectoryScopeID == directory.TenantScope {
			atTenant[strings.ToLower(a.RoleDefinitionID)] = true
		}
	}
	want := map[string]bool{}
	var missing, held []string
	for _, r := range expected {
		want[r.ID] = true
		if atTenant[r.ID] {
			held = append(held, r.Name)
		} else {
			missing = append(missing, r.Name)
		}
	}
	var cs []Check
	switch {
	case len(expected) == 0:
		cs = append(cs, pass(CheckRolesAssigned, "no role is expected"))
	case len(missing) == 0:
		cs = append(cs, pass(CheckRolesAssigned, "assigned at /: "+strings.Join(held, ", ")))
	default:
		cs = append(cs, fail(CheckRolesAssigned, "missing at tenant scope /: "+strings.Join(missing, ", "),
			"Assign the missing role(s) at directory scope: Users > the account > Assigned roles > Add assignments (or re-run Provision)."))
	}
	var extra, extraPriv []string
	for _, a := range as {
		id := strings.ToLower(a.RoleDefinitionID)
		if want[id] && a.DirectoryScopeID == directory.TenantScope {
			continue
		}
		r, name := roleName(id)
		desc := fmt.Sprintf("%s at %s", name, a.DirectoryScopeID)
		extra = append(extra, desc)
		if r.Privileged || r.Name == "" {
			// A custom role cannot be judged: treat it as privileged.
			extraPriv = append(extraPriv, desc)
		}
	}
	if len(extra) == 0 {
		cs = append(cs, pass(CheckLeastPrivilege, fmt.Sprintf("%d role assignment(s), all expected", len(as))))
	} else {
		cs = append(cs, fail(CheckLeastPrivilege, "unexpected: "+strings.Join(extra, "; "),
			"Remove the unexpected role assignment(s): Users > the account > Assigned roles > Remove. A service account should hold only the roles its workloads need."))
	}
	if len(extraPriv) == 0 {
		cs = append(cs, pass(CheckNoUnexpectedPrivAdm, "no privileged role beyond the expected ones"))
	} else {
		cs = append(cs, fail(CheckNoUnexpectedPrivAdm, "UNEXPECTED PRIVILEGED ROLE(S): "+strings.Join(extraPriv, "; "),
			"Remove these assignments now and find out who added them: a privileged role on a service account is a path to taking over the tenant. Check the audit log (Monitoring > Audit logs, category RoleManagement)."))
	}
	return cs
}
