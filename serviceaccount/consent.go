package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// Actions of the partner application's consent ([Spec.GrantConsent]).
const (
	// ActionCreateServicePrincipal creates the partner application's
	// service principal in the tenant.
	ActionCreateServicePrincipal Action = "create-service-principal"
	// ActionGrantConsent creates the account's own delegated permission
	// grant (consentType Principal) for the needed scopes.
	ActionGrantConsent Action = "grant-consent"
	// ActionAddScopes adds missing scopes to the account's own grant.
	ActionAddScopes Action = "add-scopes"
)

// ConsentStatus is the partner application's consent for the account, as
// [Provisioner.Plan] found it or [Provisioner.Provision] left it.
type ConsentStatus struct {
	// ClientID and Scopes are the application and the scopes it needs.
	ClientID string   `json:"clientId"`
	Scopes   []string `json:"scopes"`
	// ServicePrincipalID is the application's service principal in the
	// tenant; empty when it has none.
	ServicePrincipalID string `json:"servicePrincipalId,omitempty"`
	// GrantID is the account's own delegated permission grant
	// (consentType Principal); empty when it has none.
	GrantID string `json:"grantId,omitempty"`
	// Granted are the needed scopes consented for the account, by its own
	// grant or a tenant-wide one; Missing the others.
	Granted []string `json:"granted,omitempty"`
	Missing []string `json:"missing,omitempty"`
	// TenantWide are the needed scopes consented only by a tenant-wide
	// (AllPrincipals) grant, which covers every user of the tenant.
	TenantWide []string `json:"tenantWide,omitempty"`
	// AdminConsentURL is where an administrator can consent when scopes
	// are missing and Spec.GrantConsent is not set. Consent given there is
	// tenant-wide: see [PartnerApp.AdminConsentURL].
	AdminConsentURL string `json:"adminConsentUrl,omitempty"`
}

// String says in one line what is consented and what is missing.
func (c ConsentStatus) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "consent of application %s for %s: ", c.ClientID, strings.Join(c.Scopes, " "))
	switch {
	case c.ServicePrincipalID == "":
		b.WriteString("the application has no service principal in the tenant")
	case len(c.Missing) == 0 && len(c.TenantWide) == 0:
		b.WriteString("granted to this account (grant " + c.GrantID + ")")
	case len(c.Missing) == 0:
		b.WriteString("granted, " + strings.Join(c.TenantWide, " ") + " only tenant-wide (every user)")
	default:
		b.WriteString("missing " + strings.Join(c.Missing, " "))
	}
	if c.AdminConsentURL != "" {
		b.WriteString("; an administrator can consent (for every user) at " + c.AdminConsentURL)
	}
	return b.String()
}

// consentRequest is the consent part of the snapshot for app, or nil.
func consentRequest(app *PartnerApp) *directory.ConsentRequest {
	if app == nil {
		return nil
	}
	return &directory.ConsentRequest{ClientAppID: app.ClientID, ResourceAppID: directory.MicrosoftGraphAppID}
}

// consentPlan is what the consent step will do.
type consentPlan struct {
	// read is the consent as the snapshot read it.
	read directory.Consent
	// createSP: the application has no service principal yet.
	createSP bool
	// grant is the account's own grant, when it has one.
	grant *directory.PermissionGrant
	// add are the needed scopes the account's own grant lacks.
	add []string
}

// ownGrant returns the account's own grant of client to resource, if any.
func ownGrant(c directory.Consent, userID string) *directory.PermissionGrant {
	if userID == "" || c.Client.ID == "" {
		return nil
	}
	for _, g := range c.Grants {
		if strings.EqualFold(g.ClientID, c.Client.ID) && strings.EqualFold(g.ResourceID, c.Resource.ID) &&
			g.ConsentType == directory.ConsentPrincipal && strings.EqualFold(g.PrincipalID, userID) {
			return &g
		}
	}
	return nil
}

// planConsent adds the consent the account needs to st's plan: its status
// and, with GrantConsent, the changes Provision will make. userID is empty
// for an account that does not exist yet. It fails only when GrantConsent
// is set and the consent could not be read: nothing is written then.
func (p *Provisioner) planConsent(op string, n normalized, st *state, userID string, c directory.Consent) error {
	app := n.spec.PartnerApp
	if app == nil {
		return nil
	}
	upn := n.spec.UserPrincipalName
	if _, ok := p.dir.(directory.ConsentGranter); n.spec.GrantConsent && !ok {
		// Refused before any write.
		return &Error{Op: op, Account: upn, Step: "grant the partner application's consent",
			Err: fmt.Errorf("%T cannot create service principals or permission grants (directory.ConsentGranter): %w", p.dir, directory.ErrInvalid)}
	}
	cs := &ConsentStatus{ClientID: app.ClientID, Scopes: append([]string(nil), app.Scopes...)}
	st.plan.Consent = cs
	st.consent = &consentPlan{read: c}
	notFound := errors.Is(c.ClientErr, directory.ErrNotFound)
	var readErr error
	switch {
	case c.ClientErr != nil && !notFound:
		readErr = c.ClientErr
	case !notFound && c.ResourceErr != nil:
		readErr = c.ResourceErr
	case !notFound && c.GrantsErr != nil:
		readErr = c.GrantsErr
	}
	if readErr != nil {
		if n.spec.GrantConsent && !directory.IsTemporary(readErr) {
			return &Error{Op: op, Account: upn, Step: "read the partner application's consent", Err: readErr}
		}
		// A transient failure is read again by the consent step.
		st.plan.Warnings = append(st.plan.Warnings, fmt.Sprintf("could not read the consent of application %s (%v)", app.ClientID, readErr))
		cs.Missing = cs.Scopes
		return nil
	}
	cs.ServicePrincipalID = c.Client.ID
	own := ownGrant(c, userID)
	var mine, tenantWide []string
	if own != nil {
		cs.GrantID, mine = own.ID, own.Scopes()
	}
	for _, g := range c.Grants {
		if strings.EqualFold(g.ClientID, c.Client.ID) && strings.EqualFold(g.ResourceID, c.Resource.ID) && g.ConsentType == directory.ConsentAllPrincipals {
			tenantWide = append(tenantWide, g.Scopes()...)
		}
	}
	var add []string
	for _, s := range app.Scopes {
		switch {
		case containsFold(mine, s):
			cs.Granted = append(cs.Granted, s)
		case containsFold(tenantWide, s):
			cs.Granted = append(cs.Granted, s)
			cs.TenantWide = append(cs.TenantWide, s)
			add = append(add, s)
		default:
			cs.Missing = append(cs.Missing, s)
			add = append(add, s)
		}
	}
	if len(cs.TenantWide) > 0 {
		st.plan.Warnings = append(st.plan.Warnings, fmt.Sprintf("application %s holds %s through a tenant-wide grant that covers every user of the tenant", app.ClientID, strings.Join(cs.TenantWide, " ")))
	}
	if !n.spec.GrantConsent {
		if len(cs.Missing) > 0 {
			cs.AdminConsentURL = app.AdminConsentURL(p.opts.AuthorityHost, domainOf(upn))
			st.plan.Warnings = append(st.plan.Warnings, fmt.Sprintf("application %s is not consented for %s: set Spec.GrantConsent to grant them to this account alone, or have an administrator consent (for every user) at %s",
				app.ClientID, strings.Join(cs.Missing, " "), cs.AdminConsentURL))
		}
		return nil
	}
	st.consent.createSP = notFound
	st.consent.grant = own
	st.consent.add = add
	if notFound {
		st.plan.Changes = append(st.plan.Changes, Change{Action: ActionCreateServicePrincipal, Object: app.ClientID, Detail: "POST /servicePrincipals {appId}"})
	}
	switch {
	case own == nil:
		st.plan.Changes = append(st.plan.Changes, Change{Action: ActionGrantConsent, Object: app.ClientID, Detail: "scopes " + directory.JoinScopes(app.Scopes) + " for this account only (consentType Principal)"})
	case len(add) > 0:
		st.plan.Changes = append(st.plan.Changes, Change{Action: ActionAddScopes, Object: app.ClientID, Detail: "scopes " + directory.JoinScopes(add) + " to the account's grant " + own.ID})
	}
	return nil
}

func domainOf(upn string) string {
	_, d, _ := strings.Cut(upn, "@")
	return d
}

func containsFold(ss []string, s string) bool {
	for _, o := range ss {
		if strings.EqualFold(o, s) {
			return true
		}
	}
	return false
}

// grantConsent makes the changes planConsent planned, for the account
// user: the service principal if missing, then the account's own grant,
// created for exactly the needed scopes or, when it exists, given the
// missing ones. Transient faults are retried (r); a principal or client
// unknown to the grant's create (replication lag of a user or service
// principal created moments ago) is waited out within ReplicationTimeout;
// a conflict (an earlier attempt whose answer was lost) is decided by
// reading the grants again. The changes go into res.
func (p *Provisioner) grantConsent(ctx context.Context, r *retrier, n normalized, cp *consentPlan, user directory.User, res *Result) error {
	app := n.spec.PartnerApp
	if app == nil || !n.spec.GrantConsent || cp == nil {
		return nil
	}
	upn := n.spec.UserPrincipalName
	g, ok := p.dir.(directory.ConsentGranter)
	if !ok {
		return &stepError{step: "grant consent", err: fmt.Errorf("%T cannot create service principals or permission grants: %w", p.dir, directory.ErrInvalid)}
	}
	c := cp.read
	// A consent the snapshot could not read for a transient fault is
	// read again.
	for directory.IsTemporary(c.ClientErr) || directory.IsTemporary(c.ResourceErr) || directory.IsTemporary(c.GrantsErr) {
		if err := r.again(ctx, upn, "read the partner application's consent", errors.Join(c.ClientErr, c.ResourceErr, c.GrantsErr)); err != nil {
			return &stepError{step: "read the partner application's consent", err: err}
		}
		c = directory.ReadConsent(ctx, p.dir, *consentRequest(app))
	}
	switch {
	case errors.Is(c.ClientErr, directory.ErrNotFound):
		sp, err := p.createServicePrincipal(ctx, r, g, upn, app.ClientID)
		if err != nil {
			return err
		}
		c.Client, c.ClientErr, c.Grants, c.GrantsErr = sp, nil, nil, nil
		res.Changes = append(res.Changes, Change{Action: ActionCreateServicePrincipal, Object: app.ClientID, Detail: "service principal " + sp.ID})
	case c.ClientErr != nil:
		return &stepError{step: "read the partner application's service principal", err: c.ClientErr}
	}
	if c.ResourceErr != nil {
		return &stepError{step: "read Microsoft Graph's service principal", err: c.ResourceErr}
	}
	if c.GrantsErr != nil {
		return &stepError{step: "read the partner application's grants", err: c.GrantsErr}
	}
	grant, err := p.ensureGrant(ctx, r, g, upn, app, c, user.ID, res)
	if err != nil {
		return err
	}
	res.Consent = &ConsentStatus{ClientID: app.ClientID, Scopes: append([]string(nil), app.Scopes...), ServicePrincipalID: c.Client.ID, GrantID: grant.ID, Granted: append([]string(nil), app.Scopes...)}
	return nil
}

// createServicePrincipal creates the application's service principal; a
// conflict (created meanwhile, or by an earlier attempt whose answer was
// lost) is read back.
func (p *Provisioner) createServicePrincipal(ctx context.Context, r *retrier, g directory.ConsentGranter, upn, appID string) (directory.ServicePrincipal, error) {
	const step = "create the partner application's service principal"
	p.emit(ctx, Event{Kind: EventGrantConsent, UserPrincipalName: upn, Message: "creating the service principal of application " + appID})
	for {
		sp, err := g.CreateServicePrincipal(ctx, appID)
		if errors.Is(err, directory.ErrExists) {
			sp, err = p.dir.(directory.ConsentReader).ServicePrincipal(ctx, appID)
		}
		if err == nil {
			return sp, nil
		}
		if err := r.again(ctx, upn, step, err); err != nil {
			return directory.ServicePrincipal{}, &stepError{step: step, err: err}
		}
	}
}

// ensureGrant creates the account's own grant for exactly the needed
// scopes, or adds the missing ones to it, and returns it.
func (p *Provisioner) ensureGrant(ctx context.Context, r *retrier, g directory.ConsentGranter, upn string, app *PartnerApp, c directory.Consent, userID string, res *Result) (directory.PermissionGrant, error) {
	const step = "grant the partner application's scopes to the account"
	b := p.newBackoff()
	// lost: an attempt of this call may have created the grant although
	// its answer said otherwise.
	lost := false
	for {
		own := ownGrant(c, userID)
		if own != nil && lost {
			lost = false
			res.Changes = append(res.Changes, Change{Action: ActionGrantConsent, Object: app.ClientID, Detail: "scopes " + own.Scope + " for this account only (grant " + own.ID + "; the answer to its create was lost)"})
		}
		if own != nil {
			var add []string
			have := own.Scopes()
			for _, s := range app.Scopes {
				if !containsFold(have, s) {
					add = append(add, s)
				}
			}
			if len(add) == 0 {
				return *own, nil
			}
			p.emit(ctx, Event{Kind: EventGrantConsent, UserPrincipalName: upn, Message: "adding " + directory.JoinScopes(add) + " to grant " + own.ID})
			scope := directory.JoinScopes(append(have, add...))
			for {
				err := g.UpdatePermissionGrantScope(ctx, own.ID, scope)
				if err == nil {
					break
				}
				if err := r.again(ctx, upn, step, err); err != nil {
					return *own, &stepError{step: step, err: err}
				}
			}
			res.Changes = append(res.Changes, Change{Action: ActionAddScopes, Object: app.ClientID, Detail: "scopes " + directory.JoinScopes(add) + " to the account's grant " + own.ID})
			own.Scope = scope
			return *own, nil
		}
		p.emit(ctx, Event{Kind: EventGrantConsent, UserPrincipalName: upn, Message: "granting " + directory.JoinScopes(app.Scopes) + " to the account", Attempt: b.attempt})
		created, err := g.CreatePermissionGrant(ctx, directory.PermissionGrant{
			ClientID: c.Client.ID, ConsentType: directory.ConsentPrincipal, PrincipalID: userID,
			ResourceID: c.Resource.ID, Scope: directory.JoinScopes(app.Scopes),
		})
		switch {
		case err == nil:
			res.Changes = append(res.Changes, Change{Action: ActionGrantConsent, Object: app.ClientID, Detail: "scopes " + created.Scope + " for this account only (grant " + created.ID + ")"})
			return created, nil
		case errors.Is(err, directory.ErrNotFound) && ctx.Err() == nil:
			// The account or the service principal is not known to the
			// grant yet (replication lag).
			if !b.fits(p.opts.ReplicationTimeout) {
				return directory.PermissionGrant{}, &stepError{step: step, err: fmt.Errorf("%w (not visible after %v; Options.ReplicationTimeout)", err, b.elapsed())}
			}
			p.emit(ctx, b.event(EventReplicationWait, upn, "waiting for the account and the application to replicate before granting consent"))
			if err := b.sleep(ctx); err != nil {
				return directory.PermissionGrant{}, &stepError{step: step, err: err}
			}
		case errors.Is(err, directory.ErrExists) || directory.IsTemporary(err):
			// A grant exists (an earlier attempt's answer was lost, or
			// someone granted meanwhile): read the grants again.
			lost = lost || directory.IsTemporary(err)
			if !errors.Is(err, directory.ErrExists) {
				if err := r.again(ctx, upn, step, err); err != nil {
					return directory.PermissionGrant{}, &stepError{step: step, err: err}
				}
			}
			gs, rerr := p.dir.(directory.ConsentReader).PermissionGrants(ctx, app.ClientID)
			if rerr != nil {
				if err := r.again(ctx, upn, step, rerr); err != nil {
					return directory.PermissionGrant{}, &stepError{step: step + ": read the grants", err: err}
				}
				continue
			}
			c.Grants = gs
			if ownGrant(c, userID) == nil && errors.Is(err, directory.ErrExists) {
				// Reads may lag behind the conflict.
				if !b.fits(p.opts.ReadBackTimeout) {
					return directory.PermissionGrant{}, &stepError{step: step, err: err}
				}
				if err := b.sleep(ctx); err != nil {
					return directory.PermissionGrant{}, &stepError{step: step, err: err}
				}
			}
		default:
			return directory.PermissionGrant{}, &stepError{step: step, err: err}
		}
	}
}

// deleteAccountGrants deletes the account's own delegated permission
// grants of app (consentType Principal, principalId the account), for
// every resource; tenant-wide grants are never touched. grants are the
// application's grants as last read, or nil to read them now. An
// application without a service principal has nothing to delete.
func (p *Provisioner) deleteAccountGrants(ctx context.Context, app *PartnerApp, userID string, grants []directory.PermissionGrant) (int, error) {
	if app == nil {
		return 0, nil
	}
	g, ok := p.dir.(directory.ConsentGranter)
	if !ok {
		return 0, nil
	}
	if grants == nil {
		r, ok := p.dir.(directory.ConsentReader)
		if !ok {
			return 0, nil
		}
		gs, err := r.PermissionGrants(ctx, app.ClientID)
		switch {
		case errors.Is(err, directory.ErrNotFound):
			return 0, nil
		case err != nil:
			return 0, fmt.Errorf("read the grants of application %s: %w", app.ClientID, err)
		}
		grants = gs
	}
	n := 0
	for _, gr := range grants {
		if gr.ConsentType != directory.ConsentPrincipal || !strings.EqualFold(gr.PrincipalID, userID) {
			continue
		}
		if err := g.DeletePermissionGrant(ctx, gr.ID); err != nil && !errors.Is(err, directory.ErrNotFound) {
			return n, fmt.Errorf("delete the account's grant %s of application %s: %w", gr.ID, app.ClientID, err)
		}
		n++
	}
	return n, nil
}

// rollbackGrants deletes the grants of spec's partner application for the
// account this call created (every grant for it is this call's), before
// the account goes, retrying transient faults within RollbackTimeout.
func (p *Provisioner) rollbackGrants(ctx, rctx context.Context, spec Spec, u directory.User) error {
	if spec.PartnerApp == nil || !spec.GrantConsent {
		return nil
	}
	b := p.newBackoff()
	for {
		_, err := p.deleteAccountGrants(rctx, spec.PartnerApp, u.ID, nil)
		if err == nil {
			return nil
		}
		if !directory.IsTemporary(err) || !b.fits(p.opts.RollbackTimeout) {
			return err
		}
		p.emit(ctx, b.event(EventRollback, u.UserPrincipalName, fmt.Sprintf("deleting the account's grant failed (%v); retrying", err)))
		if serr := b.sleepFor(rctx, max(b.next, directory.RetryDelay(err))); serr != nil {
			return fmt.Errorf("%w (gave up: %v)", err, serr)
		}
	}
}

// deprovisionGrants deletes the account's own grants of app (never a
// tenant-wide one), from the grants the snapshot read, or read again after
// a failure; transient faults are retried (r).
func (p *Provisioner) deprovisionGrants(ctx context.Context, r *retrier, app *PartnerApp, userID string, c directory.Consent, name string) error {
	if app == nil || errors.Is(c.ClientErr, directory.ErrNotFound) {
		return nil
	}
	grants := c.Grants
	if c.ClientErr != nil || c.GrantsErr != nil {
		grants = nil
	}
	for {
		n, err := p.deleteAccountGrants(ctx, app, userID, grants)
		if err == nil {
			if n > 0 {
				p.emit(ctx, Event{Kind: EventDelete, UserPrincipalName: name, Message: fmt.Sprintf("deleted the account's grant of application %s", app.ClientID)})
			}
			return nil
		}
		if err := r.again(ctx, name, "delete the account's grant of the partner application", err); err != nil {
			return err
		}
		grants = nil
	}
}
