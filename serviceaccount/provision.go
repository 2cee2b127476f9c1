package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// Provision converges the directory to spec: an absent account is created
// with a temporary password and given exactly the spec's roles; an account
// this SDK created gets its missing roles; a re-run on a converged account
// reads once and writes nothing. Roles the account holds beyond the spec are
// reported in Result.Unexpected, not removed.
//
// The spec is validated before any directory call. A step that fails with a
// transient fault (throttled, unavailable, an answer lost with the
// connection) is retried with backoff, honouring Retry-After, within
// [Options.RetryTimeout] and ctx; a lost create is recognised by reading
// the account back, a lost role assignment by the conflict its retry
// meets, checked against the account's assignments. If a step fails for
// good (a permanent fault, or the retry deadline spent) after this call
// created the account, the account is deleted again (even if ctx is done)
// unless spec.KeepOnFailure is set; the returned *Error's Outcome says
// what was left. When the outcome leaves the account in place
// ([Outcome.AccountLeft]), the returned Result is not empty: it holds what
// was done, and the temporary password if this call set one.
//
// With spec.TemporaryAccessPass the account is onboarded passwordless: no
// password is returned, and a Temporary Access Pass is issued after the
// create and before the roles, once the tenant's policy allowed it (see
// the package documentation, "Passwordless onboarding").
func (p *Provisioner) Provision(ctx context.Context, spec Spec) (Result, error) {
	n, err := spec.validate()
	if err != nil {
		return Result{}, err
	}
	upn := n.spec.UserPrincipalName
	st, err := p.read(ctx, p.newRetrier(), "provision", n)
	if err != nil {
		return Result{}, err
	}
	pass, err := p.planAccessPass(ctx, p.newRetrier(), "provision", n, &st)
	if err != nil {
		return Result{}, err
	}
	res := Result{
		Account: Account{
			UserPrincipalName: upn, Workloads: slices.Clone(spec.Workloads), Access: spec.Access,
			Roles: slices.Clone(spec.Roles), UsageLocation: n.spec.UsageLocation, Passwordless: n.passwordless(),
			PartnerApp: n.spec.PartnerApp.clone(),
		},
		Unexpected: st.plan.Unexpected,
		Warnings:   st.plan.Warnings,
		Consent:    st.plan.Consent,
	}
	user := st.user
	if !st.plan.Exists {
		var pw directory.Password
		user, pw, res.Created, err = p.create(ctx, p.newRetrier(), n, &res)
		if n.passwordless() {
			// The random password only satisfied the create.
			pw = directory.Password{}
		}
		if err != nil {
			if left(err) {
				res.Password = pw
				return res, err
			}
			return Result{}, err
		}
		res.Password = pw
	} else {
		res.Adopted = !IsManaged(user)
		if IsManaged(user) && neverSignedIn(user) && !n.passwordless() {
			res.Warnings = append(res.Warnings, "not signed in yet: the temporary password was returned by the run that created the account, not by this one")
		}
	}
	res.User = user
	res.Account.ID = user.ID
	res.Account.UserPrincipalName = user.UserPrincipalName

	var created []directory.RoleAssignment
	if pass.issue {
		// Before any role: see issueAccessPass.
		var issued directory.AccessPass
		if issued, err = p.issueAccessPass(ctx, p.newRetrier(), upn, user.ID, pass, &res); err == nil {
			res.TemporaryAccessPass = issuedPass(issued)
		}
	}
	// The partner application's consent (Spec.GrantConsent), then the
	// roles: a failed role assignment rolls the account's grant back with
	// the account.
	if err == nil {
		err = p.grantConsent(ctx, p.newRetrier(), n, st.consent, user, &res)
	}
	if err == nil {
		created, err = p.assign(ctx, p.newRetrier(), upn, user.ID, st.missing, &res)
	}
	if err != nil {
		perr := &Error{Op: "provision", Account: upn, Err: err}
		var se *stepError
		if errors.As(err, &se) {
			perr.Step, perr.Err = se.step, se.err
		}
		if res.Created {
			p.rollback(ctx, n.spec, user, created, perr)
		} else if len(res.Changes) > 0 {
			// Every change of a call on an existing account is a write
			// that stays: the roles assigned, a pass, the partner
			// application's service principal or grant.
			perr.Outcome = OutcomePartlyConverged
			perr.note = fmt.Sprintf("it existed before this call; %d of its missing roles were assigned", len(created))
			if !res.TemporaryAccessPass.IsZero() {
				perr.note += ", and a Temporary Access Pass was issued (in the returned Result)"
			}
			for _, c := range res.Changes {
				switch c.Action {
				case ActionCreateServicePrincipal:
					perr.note += ", and the partner application's service principal was created"
				case ActionGrantConsent, ActionAddScopes:
					perr.note += ", and the partner application's scopes were granted to it"
				}
			}
		}
		if perr.Outcome.AccountLeft() {
			return res, perr
		}
		return Result{}, perr
	}
	p.emit(ctx, Event{Kind: EventDone, UserPrincipalName: upn, Message: fmt.Sprintf("%d change(s)", len(res.Changes))})
	return res, nil
}

// left reports whether err says the account is (or may be) left in place.
func left(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Outcome.AccountLeft()
}

// neverSignedIn reports whether the password is still the one set at
// creation.
func neverSignedIn(u directory.User) bool {
	return !u.LastPasswordChangeDateTime.After(u.CreatedDateTime.Add(5 * time.Second))
}

func assignChange(r roles.Role) Change {
	return Change{Action: ActionAssignRole, Object: r.Name, RoleID: r.ID, Scope: directory.TenantScope}
}

// Plan returns the changes Provision would make, without writing. With a
// [Spec.TemporaryAccessPass] it also reads the tenant's Temporary Access
// Pass policy when a pass is to be issued, and when the policy refuses the
// pass it returns the plan, showing the refusal in Plan.AccessPassCheck,
// with the error. It costs
// one read of the directory (retried like Provision's on a transient
// fault): over Microsoft Graph one round trip when the backend knows the
// account's object ID, two in a process that has not seen the account
// (Graph filters role assignments by principal ID only).
func (p *Provisioner) Plan(ctx context.Context, spec Spec) (Plan, error) {
	n, err := spec.validate()
	if err != nil {
		return Plan{}, err
	}
	st, err := p.read(ctx, p.newRetrier(), "plan", n)
	if err != nil {
		return Plan{}, err
	}
	if _, err := p.planAccessPass(ctx, p.newRetrier(), "plan", n, &st); err != nil {
		// The plan shows the check that refused the pass.
		return st.plan, err
	}
	return st.plan, nil
}
