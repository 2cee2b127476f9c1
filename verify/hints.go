package verify

import (
	"errors"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// remedy says what to do about a read that failed with err, by the class
// of the failure: a licence the tenant lacks, a Conditional Access claims
// challenge, a missing permission (with, for a delegated caller, the role
// the signed-in user must hold), or a directory backend that cannot do the
// read at all.
// permission names what the read needs when the error does not say
// ([directory.RequirementOf]).
func remedy(err error, permission string) string {
	req, _ := directory.RequirementOf(err)
	perms := permission
	if len(req.Permissions) > 0 {
		perms = strings.Join(req.Permissions, " or ")
	}
	switch {
	case errors.Is(err, directory.ErrNotLicensed) || len(req.Licenses) > 0:
		licence := "the licence this feature needs"
		if len(req.Licenses) > 0 {
			licence = strings.Join(req.Licenses, " or ")
		}
		return "The tenant lacks " + licence + ": no permission changes that. Add the licence to the tenant, or accept that this fact cannot be read."
	case errors.Is(err, directory.ErrPermission) && req.Claims:
		return "A Conditional Access policy (or continuous access evaluation) refused the credential's token: get a new token that satisfies the policy's claims challenge (sign in again, with the MFA or device it asks for), or exclude the tool's identity from the policy. A permission grant will not help."
	case errors.Is(err, directory.ErrPermission) && len(req.Roles) > 0:
		// Graph's 403 does not say whether the token was an app's or a
		// signed-in user's: name the remedy for both.
		return "The credential lacks permission to read this. An application needs " + perms + "; a delegated (signed-in) caller needs " + perms + " and must be signed in as a user who holds " + strings.Join(req.Roles, " or ") + ". Fix the one that applies and verify again."
	case errors.Is(err, directory.ErrPermission):
		return "The credential lacks permission to read this. Grant " + perms + " and verify again."
	case errors.Is(err, errors.ErrUnsupported):
		return "This directory backend cannot read it: verify with the Microsoft Graph backend (package graphdir), which reads every path."
	}
	return "Verify again; if it persists, check the service health and the credential's permissions (" + perms + ")."
}
