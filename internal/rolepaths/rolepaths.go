// Package rolepaths finds every path by which an account holds a
// directory role in a [directory.Snapshot] (its own active assignments,
// time-bound PIM assignments, PIM eligibilities, and the active and
// eligible roles of its role-assignable groups) and describes each one,
// for package verify's role checks and package serviceaccount's plan.
package rolepaths

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// Grant is one path by which the account holds a role.
type Grant struct {
	RoleID  string // lower case
	ScopeID string
	// Eligible marks a PIM eligibility (the account may activate it at
	// will); otherwise the grant is active.
	Eligible bool
	// From is the start of a PIM eligibility that has not begun yet, End
	// the end of a PIM schedule; zero when not set.
	From, End time.Time
	// Group is the role-assignable group the role is held through, or nil
	// for the account's own assignment.
	Group *directory.Group
}

// Namer names roles and scopes from what the snapshot read.
type Namer struct {
	definitions map[string]directory.RoleDefinition
	scopes      map[string]directory.DirectoryScope
}

// NewNamer returns a Namer for the role definitions and scopes p read.
func NewNamer(p directory.RolePaths) Namer {
	n := Namer{definitions: map[string]directory.RoleDefinition{}, scopes: map[string]directory.DirectoryScope{}}
	for _, d := range p.RoleDefinitions {
		n.definitions[strings.ToLower(d.ID)] = d
	}
	for _, s := range p.Scopes {
		n.scopes[strings.ToLower(s.ID)] = s
	}
	return n
}

// Role returns the catalog's role for a built-in role, or a role with an
// empty Name (which counts as privileged) and the custom role's label.
func (n Namer) Role(id string) (roles.Role, string) {
	if r, ok := roles.Lookup(id); ok {
		return r, r.Name
	}
	if d, ok := n.definitions[strings.ToLower(id)]; ok && d.DisplayName != "" {
		return roles.Role{ID: id}, fmt.Sprintf("custom role '%s' (%s)", d.DisplayName, id)
	}
	return roles.Role{ID: id}, "custom role " + id
}

// Scope describes a directory scope: "at /" for the tenant, the
// administrative unit or application by name when it is known.
func (n Namer) Scope(id string) string {
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

// Describe names a grant's role, scope and path, for example
// "Global Administrator at / — eligible through PIM until 2027-01-31".
func (n Namer) Describe(g Grant) string {
	_, name := n.Role(g.RoleID)
	desc := name + " " + n.Scope(g.ScopeID)
	var path []string
	if g.Eligible {
		path = append(path, "eligible through PIM"+window(g.From, g.End))
	} else if !g.End.IsZero() {
		path = append(path, "active through PIM"+window(time.Time{}, g.End))
	}
	if g.Group != nil {
		name := g.Group.DisplayName
		if name == "" {
			name = "(name not readable)"
		}
		path = append(path, fmt.Sprintf("through group '%s' (%s)", name, g.Group.ID))
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

// Report is what [Collect] learnt from every path.
type Report struct {
	Grants []Grant
	// Unreadable are the paths that could not be read, each with its
	// error; they make a check that found nothing unknown.
	Unreadable []Unreadable
	// Notes are facts that explain a pass, such as PIM not being
	// available in the tenant.
	Notes []string
}

// Unreadable is a path that could not be read.
type Unreadable struct {
	What string // "PIM eligibility", ...
	Err  error
}

// NoPIM is the evidence of a tenant without Microsoft Entra ID P2.
const NoPIM = "PIM is not available in this tenant: no eligible assignments possible"

// Collect gathers every path to a role from the snapshot: the
// account's active assignments (with the end of a time-bound one), active
// schedules the list did not return, PIM eligibilities, and the active and
// eligible roles of its role-assignable groups. Expired schedules are left
// out.
func Collect(snap directory.Snapshot, now time.Time) Report {
	var r Report
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
		g := Grant{RoleID: strings.ToLower(a.RoleDefinitionID), ScopeID: a.DirectoryScopeID}
		if end, ok := ends[strings.ToLower(a.ID)]; ok {
			g.End = end
		} else if end, ok := ends[key(a.RoleDefinitionID, a.DirectoryScopeID)]; ok {
			g.End = end
		}
		listed[strings.ToLower(a.ID)] = true
		listed[key(a.RoleDefinitionID, a.DirectoryScopeID)] = true
		r.Grants = append(r.Grants, g)
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
			r.Grants = append(r.Grants, Grant{RoleID: strings.ToLower(s.RoleDefinitionID), ScopeID: s.DirectoryScopeID, End: s.EndDateTime})
		}
	case errors.Is(err, directory.ErrNotLicensed):
		// No PIM: every active assignment is in the list.
	default:
		r.Unreadable = append(r.Unreadable, Unreadable{"active PIM assignments (schedule instances)", err})
	}
	switch err := p.EligibilitiesErr; {
	case err == nil:
		r.Grants = append(r.Grants, eligibleGrants(p.Eligibilities, nil, now)...)
	case errors.Is(err, directory.ErrNotLicensed):
		r.Notes = append(r.Notes, NoPIM)
	default:
		r.Unreadable = append(r.Unreadable, Unreadable{"PIM eligibility", err})
	}
	if err := p.GroupsErr; err != nil {
		r.Unreadable = append(r.Unreadable, Unreadable{"role-assignable group memberships", err})
	}
	for i := range p.Groups {
		gr := &p.Groups[i]
		grp := gr.Group
		if err := gr.RoleAssignmentsErr; err != nil {
			r.Unreadable = append(r.Unreadable, Unreadable{fmt.Sprintf("roles of group '%s' (%s)", grp.DisplayName, grp.ID), err})
		}
		for _, a := range gr.RoleAssignments {
			r.Grants = append(r.Grants, Grant{RoleID: strings.ToLower(a.RoleDefinitionID), ScopeID: a.DirectoryScopeID, Group: &grp})
		}
		switch err := gr.EligibilitiesErr; {
		case err == nil:
			r.Grants = append(r.Grants, eligibleGrants(gr.Eligibilities, &grp, now)...)
		case errors.Is(err, directory.ErrNotLicensed):
		default:
			r.Unreadable = append(r.Unreadable, Unreadable{fmt.Sprintf("PIM eligibility of group '%s' (%s)", grp.DisplayName, grp.ID), err})
		}
	}
	return r
}

func eligibleGrants(ss []directory.RoleSchedule, group *directory.Group, now time.Time) []Grant {
	var out []Grant
	for _, s := range ss {
		if s.Expired(now) {
			continue
		}
		g := Grant{RoleID: strings.ToLower(s.RoleDefinitionID), ScopeID: s.DirectoryScopeID, Eligible: true, End: s.EndDateTime, Group: group}
		if s.StartDateTime.After(now) {
			g.From = s.StartDateTime
		}
		out = append(out, g)
	}
	return out
}

func key(roleID, scopeID string) string {
	return strings.ToLower(roleID) + "|" + strings.ToLower(scopeID)
}

// UnreadableEvidence says which paths could not be read, once per error.
func (r Report) UnreadableEvidence() string {
	var errs []string
	whats := map[string][]string{}
	for _, u := range r.Unreadable {
		e := u.Err.Error()
		if _, seen := whats[e]; !seen {
			errs = append(errs, e)
		}
		whats[e] = append(whats[e], u.What)
	}
	var parts []string
	for _, e := range errs {
		parts = append(parts, fmt.Sprintf("%s could not be read: %s", strings.Join(whats[e], ", "), e))
	}
	return strings.Join(parts, "; ")
}
