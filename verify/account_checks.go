package verify

import (
	"fmt"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/serviceaccount"
)

func (v *Verifier) userChecks(acct serviceaccount.Account, u directory.User) []Check {
	var cs []Check
	if u.AccountEnabled {
		cs = append(cs, pass(CheckEnabled, "accountEnabled is true"))
	} else {
		cs = append(cs, fail(CheckEnabled, "accountEnabled is false: the account cannot sign in",
			"In the Microsoft Entra admin center, open Users > the account > Edit properties > Settings, and tick Account enabled."))
	}
	if u.UserType == directory.UserTypeMember {
		cs = append(cs, pass(CheckMember, "userType is Member"))
	} else {
		cs = append(cs, fail(CheckMember, fmt.Sprintf("userType is %q", u.UserType),
			"Use a member account created in the customer's own tenant, not an invited guest: delete it and provision a new one."))
	}
	if !u.OnPremisesSyncEnabled {
		cs = append(cs, pass(CheckCloudOnly, "onPremisesSyncEnabled is not set"))
	} else {
		cs = append(cs, fail(CheckCloudOnly, "onPremisesSyncEnabled is true: the account is synchronised from on-premises Active Directory",
			"Use a cloud-only account (created in Microsoft Entra ID, outside the sync scope of Microsoft Entra Connect), so on-premises changes cannot alter it."))
	}
	want := strings.ToUpper(acct.UsageLocation)
	switch {
	case u.UsageLocation == "":
		cs = append(cs, fail(CheckUsageLocation, "usageLocation is not set",
			"Set the usage location: Users > the account > Edit properties > Settings > Usage location."))
	case want != "" && !strings.EqualFold(u.UsageLocation, want):
		cs = append(cs, fail(CheckUsageLocation, fmt.Sprintf("usageLocation is %q, expected %q", u.UsageLocation, want),
			fmt.Sprintf("Change the usage location to %s: Users > the account > Edit properties > Settings.", want)))
	default:
		cs = append(cs, pass(CheckUsageLocation, fmt.Sprintf("usageLocation is %q", u.UsageLocation)))
	}
	if acct.Passwordless {
		// Nobody knows the password: credential.registered applies.
		return cs
	}
	created, changed := u.CreatedDateTime, u.LastPasswordChangeDateTime
	switch {
	case changed.IsZero() || created.IsZero():
		cs = append(cs, unknown(CheckPasswordChanged, "createdDateTime or lastPasswordChangeDateTime was not returned",
			"Grant User.Read.All (or Directory.Read.All) so the timestamps can be read."))
	case changed.Sub(created) > v.opts.PasswordChangeTolerance:
		// Microsoft documents lastPasswordChangeDateTime as the last time
		// the user changed the password or it was created, so an
		// administrator's reset (a new password) moves it too.
		cs = append(cs, pass(CheckPasswordChanged, fmt.Sprintf("password last changed %s, created %s: changed after creation — by a sign-in or an administrator's reset",
			changed.UTC().Format(time.RFC3339), created.UTC().Format(time.RFC3339))))
	default:
		cs = append(cs, fail(CheckPasswordChanged, fmt.Sprintf("password last changed %s, at creation (%s): the account has not signed in yet",
			changed.UTC().Format(time.RFC3339), created.UTC().Format(time.RFC3339)),
			"Sign in once as the service account (https://entra.microsoft.com) and change the temporary password when prompted."))
	}
	return cs
}
