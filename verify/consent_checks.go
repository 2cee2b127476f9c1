package verify

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/serviceaccount"
)

// Check IDs of the partner application's consent (with
// serviceaccount.Account.PartnerApp set).
const (
	CheckConsentAppPresent    = "consent.app-present"
	CheckConsentScopes        = "consent.scopes"
	CheckConsentNoExtraScopes = "consent.no-extra-scopes"
)

// consentRequest is the consent part of Verify's snapshot, or nil.
func consentRequest(acct serviceaccount.Account) *directory.ConsentRequest {
	if acct.PartnerApp == nil {
		return nil
	}
	return &directory.ConsentRequest{ClientAppID: acct.PartnerApp.ClientID, ResourceAppID: directory.MicrosoftGraphAppID}
}

// consentFacts is what the consent checks rest on.
type consentFacts struct {
	app *serviceaccount.PartnerApp
	// userID is the account's object ID; empty when it does not exist.
	userID string
	// tenant names the tenant in the admin-consent URL (a verified domain).
	tenant    string
	authority string
	consent   directory.Consent
}

// consentChecks returns the consent checks, or none without a partner
// application.
func consentChecks(f consentFacts) []Check {
	if f.app == nil {
		return nil
	}
	c := f.consent
	grantHint := fmt.Sprintf("Grant the scopes to this account alone: re-run serviceaccount.Provisioner.Provision with Spec.PartnerApp and Spec.GrantConsent set. Or have an administrator consent at %s (that consents for EVERY user of the tenant, to every permission the application requests, which verify then reports as a warning).",
		f.app.AdminConsentURL(f.authority, f.tenant))
	cs := []Check{appPresentCheck(f.app, c, grantHint)}
	var why error
	switch {
	case f.userID == "":
		return append(cs,
			unknown(CheckConsentScopes, "the account does not exist", "Create the account first (see account.exists), then verify again."),
			unknown(CheckConsentNoExtraScopes, "the account does not exist", "Create the account first (see account.exists), then verify again."))
	case errors.Is(c.ClientErr, directory.ErrNotFound):
		return append(cs,
			fail(CheckConsentScopes, fmt.Sprintf("no consent: application %s has no service principal in the tenant, so no delegated permission grant either; needed: %s", f.app.ClientID, strings.Join(f.app.Scopes, ", ")), grantHint),
			pass(CheckConsentNoExtraScopes, "no scope is consented"))
	case c.ClientErr != nil:
		why = fmt.Errorf("the application's service principal could not be read: %w", c.ClientErr)
	case c.ResourceErr != nil:
		why = fmt.Errorf("the service principal of Microsoft Graph could not be read: %w", c.ResourceErr)
	case c.GrantsErr != nil:
		why = fmt.Errorf("delegated permission grants could not be read: %w", c.GrantsErr)
	}
	if why != nil {
		hint := permissionHint(why)
		return append(cs, unknown(CheckConsentScopes, why.Error(), hint), unknown(CheckConsentNoExtraScopes, why.Error(), hint))
	}
	return append(cs, scopeChecks(f, grantHint)...)
}

func appPresentCheck(app *serviceaccount.PartnerApp, c directory.Consent, grantHint string) Check {
	switch {
	case errors.Is(c.ClientErr, directory.ErrNotFound):
		return fail(CheckConsentAppPresent, fmt.Sprintf("application %s has no service principal in the tenant: nobody has consented to it yet", app.ClientID), grantHint)
	case c.ClientErr != nil:
		return unknown(CheckConsentAppPresent, fmt.Sprintf("the application's service principal could not be read: %v", c.ClientErr), permissionHint(c.ClientErr))
	case !c.Client.AccountEnabled:
		return fail(CheckConsentAppPresent, fmt.Sprintf("application %s (service principal %s, %q) is disabled: nobody can sign in to it", app.ClientID, c.Client.ID, c.Client.DisplayName),
			"Enable it: Microsoft Entra admin center > Enterprise applications > the application > Properties > Enabled for users to sign in: Yes (accountEnabled of the service principal).")
	}
	return pass(CheckConsentAppPresent, fmt.Sprintf("service principal %s (%q) of application %s, enabled", c.Client.ID, c.Client.DisplayName, app.ClientID))
}

// grantSet is the scopes a set of grants gives, and the grants' IDs.
type grantSet struct {
	ids    []string
	scopes []string
}

func (s *grantSet) add(g directory.PermissionGrant) {
	s.ids = append(s.ids, g.ID)
	for _, sc := range g.Scopes() {
		if !containsFold(s.scopes, sc) {
			s.scopes = append(s.scopes, sc)
		}
	}
}

func (s grantSet) describe(kind string) string {
	if len(s.ids) == 0 {
		return kind + ": none"
	}
	return fmt.Sprintf("%s (grant %s): %s", kind, strings.Join(s.ids, ", "), strings.Join(s.scopes, " "))
}

func containsFold(ss []string, s string) bool {
	return slices.ContainsFunc(ss, func(o string) bool { return strings.EqualFold(o, s) })
}

// scopeChecks judges the grants of the partner application to Microsoft
// Graph: for this account alone (consentType Principal, principalId the
// account) and for every user (AllPrincipals).
func scopeChecks(f consentFacts, grantHint string) []Check {
	c := f.consent
	var mine, tenantWide grantSet
	var otherResources []string
	for _, g := range c.Grants {
		if !strings.EqualFold(g.ClientID, c.Client.ID) {
			continue
		}
		if !strings.EqualFold(g.ResourceID, c.Resource.ID) {
			if g.ConsentType == directory.ConsentAllPrincipals || strings.EqualFold(g.PrincipalID, f.userID) {
				otherResources = append(otherResources, fmt.Sprintf("resource %s: %s", g.ResourceID, g.Scope))
			}
			continue
		}
		switch {
		case g.ConsentType == directory.ConsentAllPrincipals:
			tenantWide.add(g)
		case g.ConsentType == directory.ConsentPrincipal && strings.EqualFold(g.PrincipalID, f.userID):
			mine.add(g)
		}
	}
	evidence := mine.describe("for this account") + "; " + tenantWide.describe("tenant-wide (every user)")
	var missing, viaTenant []string
	for _, s := range f.app.Scopes {
		switch {
		case containsFold(mine.scopes, s):
		case containsFold(tenantWide.scopes, s):
			viaTenant = append(viaTenant, s)
		default:
			missing = append(missing, s)
		}
	}
	var cs []Check
	switch {
	case len(missing) > 0:
		cs = append(cs, fail(CheckConsentScopes, fmt.Sprintf("not consented for this account: %s (%s)", strings.Join(missing, ", "), evidence), grantHint))
	case len(tenantWide.ids) > 0:
		revoke := "revoke the tenant-wide consent: Enterprise applications > the application > Permissions > Review permissions, or DELETE /oauth2PermissionGrants/{id} of the AllPrincipals grant."
		ev := fmt.Sprintf("every needed scope is consented for this account, and a tenant-wide grant also covers EVERY user of the tenant (%s)", evidence)
		hint := "The tenant-wide (AllPrincipals) grant lets the application act as any user of the tenant, far beyond the service account, whose own grant covers every scope it needs: " + revoke
		if len(viaTenant) > 0 {
			ev = fmt.Sprintf("every needed scope is consented, %s only through a tenant-wide grant that covers EVERY user of the tenant (%s)", strings.Join(viaTenant, ", "), evidence)
			hint = "The tenant-wide (AllPrincipals) grant lets the application act as any user of the tenant, far beyond the service account. Grant the scopes to this account alone (Provision with Spec.GrantConsent), then " + revoke
		}
		cs = append(cs, check(CheckConsentScopes, StatusWarn, ev, hint))
	default:
		cs = append(cs, pass(CheckConsentScopes, "every needed scope is consented "+evidence))
	}
	var extra []string
	for _, set := range []grantSet{mine, tenantWide} {
		for _, s := range set.scopes {
			if !containsFold(f.app.Scopes, s) && !containsFold(extra, s) {
				extra = append(extra, s)
			}
		}
	}
	extra = append(extra, otherResources...)
	if len(extra) == 0 {
		cs = append(cs, pass(CheckConsentNoExtraScopes, "no scope beyond the needed ones: "+strings.Join(f.app.Scopes, ", ")))
	} else {
		cs = append(cs, check(CheckConsentNoExtraScopes, StatusWarn, "consented beyond the needed scopes: "+strings.Join(extra, "; "),
			"Remove the scopes the application does not need from its grants (PATCH /oauth2PermissionGrants/{id} with the needed scopes only, or Enterprise applications > the application > Permissions)."))
	}
	return cs
}

// consentFacts gathers what the consent checks of acct rest on. The
// admin-consent URL names the tenant by the account's domain, a verified
// domain of the tenant.
func (v *Verifier) consentFacts(acct serviceaccount.Account, userID string, c directory.Consent) consentFacts {
	_, domain, _ := strings.Cut(acct.UserPrincipalName, "@")
	if domain == "" {
		domain = "organizations"
	}
	return consentFacts{app: acct.PartnerApp, userID: userID, tenant: domain, authority: v.opts.AuthorityHost, consent: c}
}
