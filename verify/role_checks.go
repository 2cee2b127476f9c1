package verify

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/internal/rolepaths"
	"github.com/cloudhub/consent/roles"
)

func roleChecks(expected []roles.Role, snap directory.Snapshot, now time.Time) []Check {
	var cs []Check
	if err := snap.RoleAssignmentsErr; err != nil {
		hint := permissionHint(err)
		ev := fmt.Sprintf("role assignments could not be read: %v", err)
		cs = append(cs, roleUnknowns(ev, hint)...)
	} else {
		cs = append(cs, pathChecks(expected, snap, now)...)
	}
	if c, ok := privilegedExpectedCheck(expected); ok {
		cs = append(cs, c)
	}
	return cs
}

// roleUnknowns are the three role checks, unknown for the same reason.
func roleUnknowns(evidence, remediation string) []Check {
	return []Check{
		unknown(CheckRolesAssigned, evidence, remediation),
		unknown(CheckLeastPrivilege, evidence, remediation),
		unknown(CheckNoUnexpectedPrivAdm, evidence, remediation),
	}
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

// assignedChecks judges the direct assignments alone, for VerifySelf, which
// cannot see the other paths (and says so in its report's NotVisible).
func assignedChecks(expected []roles.Role, as []directory.RoleAssignment) []Check {
	return pathChecks(expected, directory.Snapshot{RoleAssignments: as}, time.Time{})
}

// pathChecks judges every path to a role (see rolepaths.Collect): only an
// active assignment at tenant scope, the account's own or its group's,
// satisfies roles.assigned; every other path, eligible ones included,
// counts as held for roles.least-privilege and
// roles.no-unexpected-privileged. A path that could not be read makes
// those two checks unknown unless they already fail.
func pathChecks(expected []roles.Role, snap directory.Snapshot, now time.Time) []Check {
	rp := rolepaths.Collect(snap, now)
	n := rolepaths.NewNamer(snap.RolePaths)
	want := map[string]bool{}
	for _, r := range expected {
		want[r.ID] = true
	}
	var cs []Check
	cs = append(cs, rolesAssignedCheck(expected, rp.Grants, n))

	var extra, extraPriv []string
	for _, g := range rp.Grants {
		if want[g.RoleID] && g.ScopeID == directory.TenantScope {
			continue
		}
		r, _ := n.Role(g.RoleID)
		desc := n.Describe(g)
		extra = append(extra, desc)
		if r.Privileged || r.Name == "" {
			// A custom role cannot be judged: treat it as privileged.
			extraPriv = append(extraPriv, desc)
		}
	}
	notes := ""
	if len(rp.Notes) > 0 {
		notes = "; " + strings.Join(rp.Notes, "; ")
	}
	cs = append(cs,
		heldCheck(CheckLeastPrivilege, extra, rp, "unexpected: ", fmt.Sprintf("%d role assignment(s), all expected", len(rp.Grants))+notes,
			"Remove the unexpected role(s): Users > the account > Assigned roles (active and eligible assignments) > Remove, and take the account out of any role-assignable group that holds them (Groups > the group > Members). A service account should hold only the roles its workloads need."),
		heldCheck(CheckNoUnexpectedPrivAdm, extraPriv, rp, "UNEXPECTED PRIVILEGED ROLE(S): ", "no privileged role beyond the expected ones"+notes,
			"Remove these assignments now (eligible ones too: an eligible account can activate the role at will) and find out who added them: a privileged role on a service account is a path to taking over the tenant. Check the audit log (Monitoring > Audit logs, categories RoleManagement and GroupManagement)."))
	return cs
}

// heldCheck fails when roles beyond the expected ones were found (found
// describes them), is unknown when none was found but a path could not be
// read, and passes otherwise.
func heldCheck(id string, found []string, rp rolepaths.Report, failPrefix, passEvidence, remediation string) Check {
	switch {
	case len(found) > 0:
		ev := failPrefix + strings.Join(found, "; ")
		if len(rp.Unreadable) > 0 {
			ev += " (and " + rp.UnreadableEvidence() + ")"
		}
		return fail(id, ev, remediation)
	case len(rp.Unreadable) > 0:
		return unknown(id, rp.UnreadableEvidence(), unreadableHint(rp))
	}
	return pass(id, passEvidence)
}

// rolesAssignedCheck passes when every expected role is active at tenant
// scope; a role that is only eligible is still missing.
func rolesAssignedCheck(expected []roles.Role, grants []rolepaths.Grant, n rolepaths.Namer) Check {
	var missing, held []string
	for _, r := range expected {
		var active, eligible []rolepaths.Grant
		for _, g := range grants {
			switch {
			case g.RoleID != r.ID || g.ScopeID != directory.TenantScope:
			case g.Eligible:
				eligible = append(eligible, g)
			default:
				active = append(active, g)
			}
		}
		switch {
		case len(active) > 0:
			held = append(held, pathNote(r.Name, active[0], n))
		case len(eligible) > 0:
			missing = append(missing, fmt.Sprintf("%s (only %s: the partner needs it active)", r.Name, strings.TrimPrefix(n.Describe(eligible[0]), n.Describe(rolepaths.Grant{RoleID: r.ID, ScopeID: directory.TenantScope})+" — ")))
		default:
			missing = append(missing, r.Name)
		}
	}
	switch {
	case len(expected) == 0:
		return pass(CheckRolesAssigned, "no role is expected")
	case len(missing) == 0:
		return pass(CheckRolesAssigned, "assigned at /: "+strings.Join(held, ", "))
	}
	return fail(CheckRolesAssigned, "missing at tenant scope /: "+strings.Join(missing, ", "),
		"Assign the missing role(s) as active (not only eligible) at directory scope: Users > the account > Assigned roles > Add assignments, assignment type Active (or re-run Provision).")
}

// pathNote names a role held otherwise than by a permanent assignment of
// the account's own: "Teams Administrator (through group 'Tier0' (id))".
func pathNote(name string, g rolepaths.Grant, n rolepaths.Namer) string {
	plain := n.Describe(rolepaths.Grant{RoleID: g.RoleID, ScopeID: g.ScopeID})
	if d := n.Describe(g); d != plain {
		return name + " (" + strings.TrimPrefix(d, plain+" — ") + ")"
	}
	return name
}

// unreadableHint is the remediation for the paths that could not be read,
// once per distinct remedy.
func unreadableHint(r rolepaths.Report) string {
	var hints []string
	for _, u := range r.Unreadable {
		if h := permissionHint(u.Err); !slices.Contains(hints, h) {
			hints = append(hints, h)
		}
	}
	return strings.Join(hints, " ")
}
