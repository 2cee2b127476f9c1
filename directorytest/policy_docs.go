package directorytest

import (
	"encoding/json"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// The policy documents below are for seeding a Fake with
// [Fake.AddConditionalAccessPolicy]: Conditional Access policies as
// Microsoft Graph's conditionalAccessPolicy JSON, in the shape of the
// examples of "Create conditionalAccessPolicy"
// (https://learn.microsoft.com/graph/api/conditionalaccessroot-post-policies).

// RequireMFAForAllUsersPolicy returns, with the given id, the policy CISA
// SCuBA MS.AAD.3.2v1 prescribes and Microsoft's template "Require
// multifactor authentication for all users" describes: enabled, all
// users, all resources, all client apps, grant: mfa.
func RequireMFAForAllUsersPolicy(id string) []byte {
	return policyDoc(id, "Require MFA for all users", directory.PolicyEnabled,
		map[string]any{"includeUsers": []string{directory.PolicyAll}}, map[string]any{"builtInControls": []string{directory.ControlMFA}})
}

// PhishingResistantAdminsPolicy returns, with the given id, the policy
// CISA SCuBA MS.AAD.3.6v1 prescribes: enabled, the highly privileged roles
// ([roles.HighlyPrivileged]), all resources, grant: the built-in
// Phishing-resistant MFA authentication strength (given by id, the way
// Graph accepts it in a create request).
func PhishingResistantAdminsPolicy(id string) []byte {
	var ids []string
	for _, r := range roles.HighlyPrivileged() {
		ids = append(ids, r.ID)
	}
	return policyDoc(id, "Require phishing-resistant MFA for highly privileged roles", directory.PolicyEnabled,
		map[string]any{"includeRoles": ids},
		map[string]any{"authenticationStrength": map[string]any{"id": directory.StrengthPhishingResistant}})
}

func policyDoc(id, name, state string, users, grant map[string]any) []byte {
	if _, ok := grant["operator"]; !ok {
		grant["operator"] = "OR"
	}
	doc := map[string]any{
		"id": id, "displayName": name, "state": state,
		"conditions": map[string]any{
			"clientAppTypes": []string{"all"},
			"applications":   map[string]any{"includeApplications": []string{directory.PolicyAll}},
			"users":          users,
		},
		"grantControls": grant,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic("directorytest: policy document: " + err.Error()) // maps of strings always marshal
	}
	return b
}
