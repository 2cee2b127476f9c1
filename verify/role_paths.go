package verify

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// grant is one path by which the account holds a role.
type grant struct {
	roleID  string // lower case
	scopeID string
	// eligible: PIM eligibility (the account may activate it at will);
	// otherwise active.
	eligible bool
	// from is the start of a PIM eligibility that has not begun yet, end
	// the end of a PIM schedule; zero when not set.
	from, end time.Time
	// group is the role-assignable group the role is held through, or nil
	// for the account's own assignment.
	group *directory.Group
}

// active reports whether the grant is an active assignment at tenant
// scope: what roles.assigned asks of an expected role.
func (g grant) activeAtTenant() bool { return !g.eligible && g.scopeID == directory.TenantScope }

// namer names roles and scopes from what the snapshot read.
type namer struct {
	definitions map[string]directory.RoleDefinition
	scopes      map[string]directory.DirectoryScope
}

func newNamer(p directory.RolePaths) namer {
	n := namer{definitions: map[string]directory.RoleDefinition{}, scopes: map[string]directory.DirectoryScope{}}
	for _, d := range p.RoleDefinitions {
		n.definitions[strings.ToLower(d.ID)] = d
	}
	for _, s := range p.Scopes {
		n.scopes[strings.ToLower(s.ID)] = s
	}
	return n
}

// role returns the catalog's role for a built-in role, or a role with an
// empty Name (which counts as privileged) and the custom role's label.
func (n namer) role(id string) (roles.Role, string) {
	if r, ok := roles.Lookup(id); ok {
		return r, r.Name
	}
	if d, ok := n.definitions[strings.ToLower(id)]; ok && d.DisplayName != "" {
		return roles.Role{ID: id}, fmt.Sprintf("custom role '%s' (%s)", d.DisplayName, id)
	}
	return roles.Role{ID: id}, "custom role " + id
}

// scope describes a directory scope: "at /" for the tenant, the
// administrative unit or application by name when it is known.
func (n namer) scope(id string) string {
	if id == directory.TenantScope {
		return "at /"
	}
	typ := directory.ScopeType(id)
	kind := "application"
	if typ == directory.ScopeTypeAdministrativeUnit {
		kind = "administrative unit"
	}
	if s, ok := n.scopes[strings.ToLower(id)]; ok && s.DisplayName != "" {
		objectID := id[strings.LastIndexByte(id, '/')+1:]
		return fmt.Sprintf("at %s — scoped to %s '%s' (%s)", id, kind, s.DisplayName, objectID)
	}
	return fmt.Sprintf("at %s — scoped to %s %s", id, kind, strings.TrimPrefix(id[strings.LastIndexByte(id, '/'):], "/"))
}

// describe names a grant's role, scope and path, for example
// "Global Administrator at / — eligible through PIM until 2027-01-31".
func (n namer) describe(g grant) string {
	_, name := n.role(g.roleID)
	desc := name + " " + n.scope(g.scopeID)
	var path []string
	if g.eligible {
		path = append(path, "eligible through PIM"+window(g.from, g.end))
	} else if !g.end.IsZero() {
		path = append(path, "active through PIM"+window(time.Time{}, g.end))
	}
	if g.group != nil {
		name := g.group.DisplayName
		if name == "" {
			name = "(name not readable)"
		}
		path = append(path, fmt.Sprintf("through group '%s' (%s)", name, g.group.ID))
	}
	if len(path) > 0 {
		desc += " — " + strings.Join(path, ", ")
	}
	return desc
}

// window describes a schedule: from its start when that is still to
// come, until its end.
func window(from, end time.Time) string {
	var s string
	if !from.IsZero() {
		s += " from " + from.UTC().Format(time.DateOnly)
	}
	if end.IsZero() {
		return s + " with no end date"
	}
	return s + " until " + end.UTC().Format(time.DateOnly)
}

// rolePathsReport is what the role checks learnt from every path.
type rolePathsReport struct {
	grants []grant
	// unreadable are the paths that could not be read, each with its
	// error; they make a check that found nothing unknown.
	unreadable []unreadablePath
	// notes are facts that explain a pass, such as PIM not being
	// available in the tenant.
	notes []string
}

type unreadablePath struct {
	what       string // "PIM eligibility", ...
	err        error
	permission string // what the read needs, for the hint
}

// The reads of the role paths and the permissions each needs (application
// permission, or delegated permission with one of the roles).
const (
	permRoleAssignments = "RoleManagement.Read.Directory (application, or delegated with Directory Readers, Global Reader or Privileged Role Administrator)"
	permEligibility     = "RoleEligibilitySchedule.Read.Directory or RoleManagement.Read.Directory (application, or delegated with Global Reader, Security Reader or Privileged Role Administrator)"
	permActiveSchedules = "RoleAssignmentSchedule.Read.Directory or RoleManagement.Read.Directory (application, or delegated with Global Reader, Security Reader or Privileged Role Administrator)"
	permGroups          = "GroupMember.Read.All (application or delegated)"
)

// noPIM is the evidence of a tenant without Microsoft Entra ID P2.
const noPIM = "PIM is not available in this tenant: no eligible assignments possible"

// collectGrants gathers every path to a role from the snapshot: the
// account's active assignments (with the end of a time-bound one), active
// schedules the list did not return, PIM eligibilities, and the active and
// eligible roles of its role-assignable groups. Expired schedules are left
// out.
func collectGrants(snap directory.Snapshot, now time.Time) rolePathsReport {
	var r rolePathsReport
	p := snap.RolePaths
	ends := map[string]time.Time{} // by assignment ID, and by role|scope
	if p.ActiveSchedulesErr == nil {
		for _, s := range p.ActiveSchedules {
			if !s.EndDateTime.IsZero() {
				ends[strings.ToLower(s.RoleAssignmentID)] = s.EndDateTime
				ends[key(s.RoleDefinitionID, s.DirectoryScopeID)] = s.EndDateTime
			}
		}
	}
	listed := map[string]bool{}
	for _, a := range snap.RoleAssignments {
		g := grant{roleID: strings.ToLower(a.RoleDefinitionID), scopeID: a.DirectoryScopeID}
		if end, ok := ends[strings.ToLower(a.ID)]; ok {
			g.end = end
		} else if end, ok := ends[key(a.RoleDefinitionID, a.DirectoryScopeID)]; ok {
			g.end = end
		}
		listed[strings.ToLower(a.ID)] = true
		listed[key(a.RoleDefinitionID, a.DirectoryScopeID)] = true
		r.grants = append(r.grants, g)
	}
	// Active schedules add what the list did not return (Microsoft
	// documents that they include every active assignment; not that the
	// list includes every time-bound one).
	switch err := p.ActiveSchedulesErr; {
	case err == nil:
		for _, s := range p.ActiveSchedules {
			if s.Expired(now) || listed[strings.ToLower(s.RoleAssignmentID)] || listed[key(s.RoleDefinitionID, s.DirectoryScopeID)] {
				continue
			}
			r.grants = append(r.grants, grant{roleID: strings.ToLower(s.RoleDefinitionID), scopeID: s.DirectoryScopeID, end: s.EndDateTime})
		}
	case errors.Is(err, directory.ErrNotLicensed):
		// No PIM: every active assignment is in the list.
	default:
		r.unreadable = append(r.unreadable, unreadablePath{"active PIM assignments (schedule instances)", err, permActiveSchedules})
	}
	switch err := p.EligibilitiesErr; {
	case err == nil:
		r.grants = append(r.grants, eligibleGrants(p.Eligibilities, nil, now)...)
	case errors.Is(err, directory.ErrNotLicensed):
		r.notes = append(r.notes, noPIM)
	default:
		r.unreadable = append(r.unreadable, unreadablePath{"PIM eligibility", err, permEligibility})
	}
	if err := p.GroupsErr; err != nil {
		r.unreadable = append(r.unreadable, unreadablePath{"role-assignable group memberships", err, permGroups})
	}
	for i := range p.Groups {
		gr := &p.Groups[i]
		grp := gr.Group
		if err := gr.RoleAssignmentsErr; err != nil {
			r.unreadable = append(r.unreadable, unreadablePath{fmt.Sprintf("roles of group '%s' (%s)", grp.DisplayName, grp.ID), err, permRoleAssignments})
		}
		for _, a := range gr.RoleAssignments {
			r.grants = append(r.grants, grant{roleID: strings.ToLower(a.RoleDefinitionID), scopeID: a.DirectoryScopeID, group: &grp})
		}
		switch err := gr.EligibilitiesErr; {
		case err == nil:
			r.grants = append(r.grants, eligibleGrants(gr.Eligibilities, &grp, now)...)
		case errors.Is(err, directory.ErrNotLicensed):
		default:
			r.unreadable = append(r.unreadable, unreadablePath{fmt.Sprintf("PIM eligibility of group '%s' (%s)", grp.DisplayName, grp.ID), err, permEligibility})
		}
	}
	return r
}

func eligibleGrants(ss []directory.RoleSchedule, group *directory.Group, now time.Time) []grant {
	var out []grant
	for _, s := range ss {
		if s.Expired(now) {
			continue
		}
		g := grant{roleID: strings.ToLower(s.RoleDefinitionID), scopeID: s.DirectoryScopeID, eligible: true, end: s.EndDateTime, group: group}
		if s.StartDateTime.After(now) {
			g.from = s.StartDateTime
		}
		out = append(out, g)
	}
	return out
}

func key(roleID, scopeID string) string { return strings.ToLower(roleID) + "|" + strings.ToLower(scopeID) }

// unreadableEvidence says which paths could not be read, once per error.
func (r rolePathsReport) unreadableEvidence() string {
	var errs []string
	whats := map[string][]string{}
	for _, u := range r.unreadable {
		e := u.err.Error()
		if _, seen := whats[e]; !seen {
			errs = append(errs, e)
		}
		whats[e] = append(whats[e], u.what)
	}
	var parts []string
	for _, e := range errs {
		parts = append(parts, fmt.Sprintf("%s could not be read: %s", strings.Join(whats[e], ", "), e))
	}
	return strings.Join(parts, "; ")
}

// unreadableHint is the remediation for the paths that could not be read.
func (r rolePathsReport) unreadableHint() string {
	var hints []string
	for _, u := range r.unreadable {
		if h := remedy(u.err, u.permission); !slices.Contains(hints, h) {
			hints = append(hints, h)
		}
	}
	return strings.Join(hints, " ")
}
