package graphdir

import (
	"net/http"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// licensesFor returns the licences a Graph error code says the tenant
// lacks, or nil. These codes are the only failures this package classifies
// as [directory.ErrNotLicensed], whatever the status they come with
// (Microsoft does not document it; AadPremiumLicenseRequired has been
// observed as 400, Authentication_RequestFromNonPremiumTenantOrB2CTenant as
// 403):
//
//   - AadPremiumLicenseRequired: Privileged Identity Management in a tenant
//     without Microsoft Entra ID P2 ("The tenant needs to have Microsoft
//     Entra ID P2 or Microsoft Entra ID Governance license.");
//   - Authentication_RequestFromNonPremiumTenantOrB2CTenant: a user's
//     signInActivity in a tenant without Microsoft Entra ID P1.
func licensesFor(code string) []string {
	switch {
	case strings.EqualFold(code, "AadPremiumLicenseRequired"):
		return []string{"Microsoft Entra ID P2", "Microsoft Entra ID Governance"}
	case strings.EqualFold(code, "Authentication_RequestFromNonPremiumTenantOrB2CTenant"):
		return []string{"Microsoft Entra ID P1"}
	}
	return nil
}

// tenantRequirement is what a refusal that no permission lifts needs: a
// licence the tenant lacks, or a token that satisfies a Conditional Access
// claims challenge.
func (e *Error) tenantRequirement() (directory.Requirement, bool) {
	if ls := licensesFor(e.Code); len(ls) > 0 {
		return directory.Requirement{Licenses: ls}, true
	}
	if e.claims && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden) {
		return directory.Requirement{Claims: true}, true
	}
	return directory.Requirement{}, false
}
