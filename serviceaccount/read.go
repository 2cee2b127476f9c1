package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// state is what the single read found, with the plan derived from it.
type state struct {
	user directory.User
	plan Plan
	// missing are the roles to assign, one per assign-role change.
	missing []roles.Role
}

// read takes the one snapshot Provision and Plan need (user, its role
// assignments, the tenant's domains) and derives the plan from it.
func (p *Provisioner) read(ctx context.Context, op string, n normalized) (state, error) {
	upn := n.spec.UserPrincipalName
	p.emit(ctx, Event{Kind: EventRead, UserPrincipalName: upn, Message: "reading the account, its roles and the tenant's domains"})
	snap, err := directory.ReadSnapshot(ctx, p.dir, directory.SnapshotRequest{User: upn, RoleAssignments: true, Domains: true})
	if err != nil {
		return state{}, &Error{Op: op, Account: upn, Step: "read account", Err: err}
	}
	pl := Plan{UserPrincipalName: upn, Roles: n.roles}
	for _, r := range n.roles {
		if r.Privileged {
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("privileged role %s granted because AllowPrivileged is set", r.Name))
		}
	}
	switch {
	case snap.UserErr == nil:
	case errors.Is(snap.UserErr, directory.ErrNotFound):
		if snap.DomainsErr == nil {
			if err := checkDomain(upn, snap.Domains); err != nil {
				return state{}, err
			}
		} else {
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("could not read the tenant's domains to check the UPN's domain (%v)", snap.DomainsErr))
		}
		pl.Changes = append(pl.Changes, Change{
			Action: ActionCreateUser, Object: upn,
			Detail: fmt.Sprintf("displayName %q, mailNickname %q, usageLocation %s, temporary password, must change at first sign-in",
				n.spec.DisplayName, n.spec.MailNickname, n.spec.UsageLocation),
		})
		for _, r := range n.roles {
			pl.Changes = append(pl.Changes, assignChange(r))
		}
		return state{plan: pl, missing: n.roles}, nil
	default:
		return state{}, &Error{Op: op, Account: upn, Step: "read account", Err: snap.UserErr}
	}

	u := snap.User
	pl.Exists, pl.UserID = true, u.ID
	if !IsManaged(u) && !n.spec.Adopt {
		return state{}, &Error{Op: op, Account: upn, Step: "check ownership",
			Err: fmt.Errorf("%w (employeeType %q has no %q marker; set Spec.Adopt to converge it anyway): %w", ErrNotManaged, u.EmployeeType, MarkerPrefix, directory.ErrExists)}
	}
	if !IsManaged(u) {
		pl.Warnings = append(pl.Warnings, "adopting an account this SDK did not create (Spec.Adopt)")
	}
	if u.OnPremisesSyncEnabled {
		pl.Warnings = append(pl.Warnings, "the account is synchronised from on-premises Active Directory; a service account should be cloud-only")
	}
	if snap.RoleAssignmentsErr != nil {
		return state{}, &Error{Op: op, Account: upn, Step: "read role assignments", Err: snap.RoleAssignmentsErr}
	}
	held := map[string]bool{}
	for _, a := range snap.RoleAssignments {
		if a.DirectoryScopeID == directory.TenantScope {
			held[strings.ToLower(a.RoleDefinitionID)] = true
		}
	}
	want := map[string]bool{}
	var missing []roles.Role
	for _, r := range n.roles {
		want[r.ID] = true
		if !held[r.ID] {
			pl.Changes = append(pl.Changes, assignChange(r))
			missing = append(missing, r)
		}
	}
	for _, a := range snap.RoleAssignments {
		id := strings.ToLower(a.RoleDefinitionID)
		if want[id] && a.DirectoryScopeID == directory.TenantScope {
			continue
		}
		r, ok := roles.Lookup(id)
		if !ok {
			r = roles.Role{ID: id, Name: "custom role " + id}
		}
		if a.DirectoryScopeID != directory.TenantScope {
			r.Name += " at scope " + a.DirectoryScopeID
		}
		pl.Unexpected = append(pl.Unexpected, r)
	}
	if IsManaged(u) && len(missing) > 0 && !neverSignedIn(u) {
		pl.Warnings = append(pl.Warnings, fmt.Sprintf("granting %d role(s) to an existing account (%s) whose password has been changed since creation: the %q marker is not proof of origin (anyone allowed to edit employeeType can set it), so check that this is the object ID you onboarded", len(missing), u.ID, MarkerPrefix))
	}
	if u.UsageLocation != n.spec.UsageLocation {
		pl.Warnings = append(pl.Warnings, fmt.Sprintf("usage location is %q, the spec says %q (not changed)", u.UsageLocation, n.spec.UsageLocation))
	}
	return state{user: u, plan: pl, missing: missing}, nil
}
