package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/internal/rolepaths"
	"github.com/cloudhub/consent/roles"
)

// state is what the single read found, with the plan derived from it.
type state struct {
	user directory.User
	plan Plan
	// missing are the roles to assign, one per assign-role change.
	missing []roles.Role
	// methods are the existing account's authentication methods, read
	// for a passwordless spec only.
	methods    []directory.AuthenticationMethod
	methodsErr error
	// consent is what the consent step will do (Spec.PartnerApp).
	consent *consentPlan
}

// read takes the one snapshot Provision and Plan need (user, its role
// assignments, the tenant's domains) and derives the plan from it.
// Transient failures are retried ([retrier]).
func (p *Provisioner) read(ctx context.Context, r *retrier, op string, n normalized) (state, error) {
	upn := n.spec.UserPrincipalName
	p.emit(ctx, Event{Kind: EventRead, UserPrincipalName: upn, Message: "reading the account, its roles and the tenant's domains"})
	snap, err := p.readSnapshot(ctx, r, directory.SnapshotRequest{User: upn, RoleAssignments: true, Domains: true, RolePaths: true, AuthenticationMethods: n.passwordless(), MemberOf: true, SignInPolicies: true, Consent: consentRequest(n.spec.PartnerApp)}, upn)
	if err != nil {
		return state{}, &Error{Op: op, Account: upn, Step: "read account", Err: err}
	}
	pl := Plan{UserPrincipalName: upn, Roles: n.roles}
	if snap.UserErr == nil || errors.Is(snap.UserErr, directory.ErrNotFound) {
		// mfa.go: the tenant's sign-in policies, evaluated for the account.
		w, err := mfaCheck(snap, n, p.opts.Now())
		if err != nil {
			return state{}, &Error{Op: op, Account: upn, Step: "check MFA enforcement", Err: err}
		}
		if w != "" {
			pl.Warnings = append(pl.Warnings, w)
		}
	}
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
			Detail: fmt.Sprintf("displayName %q, mailNickname %q, usageLocation %s, %s",
				n.spec.DisplayName, n.spec.MailNickname, n.spec.UsageLocation, n.createDetail()),
		})
		for _, r := range n.roles {
			pl.Changes = append(pl.Changes, assignChange(r))
		}
		st := state{plan: pl, missing: n.roles}
		if err := p.planConsent(op, n, &st, "", snap.Consent); err != nil {
			return state{}, err
		}
		return st, nil
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
	pl.Unexpected, pl.Warnings = unexpectedRoles(snap, want, p.opts.Now(), pl.Warnings)
	if IsManaged(u) && len(missing) > 0 {
		if used := usedSinceCreation(u, snap); used != "" {
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("granting %d role(s) to an existing account (%s) %s: the %q marker is not proof of origin (anyone allowed to edit employeeType can set it), so check that this is the object ID you onboarded", len(missing), u.ID, used, MarkerPrefix))
		}
	}
	if u.UsageLocation != n.spec.UsageLocation {
		pl.Warnings = append(pl.Warnings, fmt.Sprintf("usage location is %q, the spec says %q (not changed)", u.UsageLocation, n.spec.UsageLocation))
	}
	st := state{user: u, plan: pl, missing: missing, methods: snap.AuthenticationMethods, methodsErr: snap.AuthenticationMethodsErr}
	if err := p.planConsent(op, n, &st, u.ID, snap.Consent); err != nil {
		return state{}, err
	}
	return st, nil
}

// readSnapshot reads what req asks for, again while a part that matters
// failed with a transient fault: the read itself, the user, and then its
// role assignments and role paths (when the user exists) or the tenant's
// domains (when it does not). Retries spent on a role path leave its
// error in the snapshot, for the plan's warning.
func (p *Provisioner) readSnapshot(ctx context.Context, r *retrier, req directory.SnapshotRequest, name string) (directory.Snapshot, error) {
	for {
		snap, err := directory.ReadSnapshot(ctx, p.dir, req)
		fault := err
		if err == nil {
			switch {
			case snap.UserErr == nil && req.RoleAssignments:
				fault = snap.RoleAssignmentsErr
				if fault == nil && req.RolePaths {
					fault = transientRolePath(snap.RolePaths)
				}
			case snap.UserErr == nil:
			case errors.Is(snap.UserErr, directory.ErrNotFound) && req.Domains:
				fault = snap.DomainsErr
			default:
				fault = snap.UserErr
			}
			if !directory.IsTemporary(fault) {
				return snap, nil
			}
		}
		if rerr := r.again(ctx, name, "read account", fault); rerr != nil {
			if err == nil && rerr == fault {
				// Retries spent on a part: the caller reports it.
				return snap, nil
			}
			return snap, rerr
		}
	}
}

// transientRolePath returns the first transient fault among the role
// paths' parts, or nil.
func transientRolePath(p directory.RolePaths) error {
	errs := []error{p.EligibilitiesErr, p.ActiveSchedulesErr, p.GroupsErr}
	for _, g := range p.Groups {
		errs = append(errs, g.RoleAssignmentsErr, g.EligibilitiesErr)
	}
	for _, err := range errs {
		if directory.IsTemporary(err) {
			return err
		}
	}
	return nil
}

// unexpectedRoles lists the roles the account holds beyond the spec
// through every path (its own assignments at any scope, PIM eligibility,
// time-bound PIM assignments, role-assignable groups), each named with its
// path, and warns about the paths that could not be read.
func unexpectedRoles(snap directory.Snapshot, want map[string]bool, now time.Time, warnings []string) ([]roles.Role, []string) {
	rp := rolepaths.Collect(snap, now)
	n := rolepaths.NewNamer(snap.RolePaths)
	var out []roles.Role
	for _, g := range rp.Grants {
		if want[g.RoleID] && g.ScopeID == directory.TenantScope {
			continue
		}
		r, name := n.Role(g.RoleID)
		r.Name = name
		if g != (rolepaths.Grant{RoleID: g.RoleID, ScopeID: directory.TenantScope}) {
			// Not the account's own permanent assignment at tenant
			// scope: name the path.
			r.Name = n.Describe(g)
		}
		out = append(out, r)
	}
	if len(rp.Unreadable) > 0 {
		warnings = append(warnings, "roles held beyond the spec may be missing from this report: "+rp.UnreadableEvidence())
	}
	return out, warnings
}

// usedSinceCreation says how the account shows that someone has used it
// since it was created, or "" when it is as this SDK left it: its password
// was changed, or (a passwordless account, whose password nobody knows)
// a strong method was registered.
func usedSinceCreation(u directory.User, snap directory.Snapshot) string {
	if !neverSignedIn(u) {
		return "whose password has been changed since creation"
	}
	if snap.AuthenticationMethodsErr == nil {
		for _, m := range snap.AuthenticationMethods {
			if isStrongMethod(m.Type) {
				return fmt.Sprintf("whose owner has registered a strong method (%s) since creation", m.Type)
			}
		}
	}
	return ""
}
