// Package consent is the root of a Go SDK that automates the "customer
// consent" path of Cloud User Hub, an MSP partner tool: when a customer has
// cut the partner's delegated access, the customer creates a dedicated,
// least-privileged service account in their own Microsoft Entra ID tenant,
// and the partner verifies it before onboarding the tenant.
//
// This package holds documentation only. The work is done by:
//
//   - [github.com/cloudhub/consent/serviceaccount]: Provisioner creates the
//     account (UPN, display name, usage location, temporary password, the
//     directory roles of the chosen workloads), converges it idempotently,
//     plans changes and deprovisions it.
//   - [github.com/cloudhub/consent/verify]: Verifier checks an account
//     (exists, enabled, member, cloud-only, password changed, MFA
//     registered, roles exactly as expected, nothing more privileged) and
//     returns a Report a person can read and a program can parse.
//   - [github.com/cloudhub/consent/roles]: the catalog of Entra built-in
//     roles and the workload-to-role mapping.
//   - [github.com/cloudhub/consent/directory]: the small interface
//     directory backends implement, with its error sentinels.
//   - [github.com/cloudhub/consent/directory/graphdir]: the Microsoft Graph
//     backend.
//   - [github.com/cloudhub/consent/directorytest]: the in-memory directory.
//   - [github.com/cloudhub/consent/directorytest/conformance]: the
//     conformance suite every backend passes.
//
// # Quick start
//
//	dir := directorytest.New(nil) // or graphdir.New(cred, nil) for a real tenant
//	p := serviceaccount.New(dir, nil)
//	res, err := p.Provision(ctx, serviceaccount.Spec{
//		UserPrincipalName: "svc-cloudhub@contoso.onmicrosoft.com",
//		DisplayName:       "Cloud User Hub service account",
//		UsageLocation:     "AU",
//		Workloads:         []roles.Workload{roles.Teams, roles.Exchange},
//		Access:            roles.Admin,
//	})
//	// hand res.Password.Reveal() to the account's owner, then later:
//	rep, err := verify.New(dir, nil).Verify(ctx, res.Account)
//	fmt.Print(rep) // or json.Marshal(rep)
package consent
