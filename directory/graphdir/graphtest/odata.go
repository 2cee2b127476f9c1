package graphtest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// parseStringLiteral parses an OData string literal: single quotes around
// the value, quotes inside doubled.
func parseStringLiteral(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	inner := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		if c == '\'' {
			if i+1 < len(inner) && inner[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return "", false // an undoubled quote would end the literal
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// parsePrincipalFilter parses the only $filter the server accepts,
// "principalId eq '<literal>'" (spaces around the tokens are free, the
// property name and operator case-insensitive). Anything else, including
// text after the literal, is rejected.
func parsePrincipalFilter(f string) (string, error) {
	rest := strings.TrimLeftFunc(f, unicode.IsSpace)
	name, rest, ok := cutWord(rest)
	if !ok || !strings.EqualFold(name, "principalId") {
		return "", fmt.Errorf("unsupported $filter %q: graphtest supports only principalId eq '<id>'", f)
	}
	opr, rest, ok := cutWord(rest)
	if !ok || !strings.EqualFold(opr, "eq") {
		return "", fmt.Errorf("invalid filter clause %q: want principalId eq '<id>'", f)
	}
	lit := strings.TrimSpace(rest)
	v, ok := parseStringLiteral(lit)
	if !ok {
		return "", fmt.Errorf("invalid filter clause %q: the value must be one OData string literal", f)
	}
	return v, nil
}

// cutWord cuts the word at the start of s (up to a space) and the spaces
// after it.
func cutWord(s string) (word, rest string, ok bool) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i <= 0 {
		return "", "", false
	}
	return s[:i], strings.TrimLeftFunc(s[i:], unicode.IsSpace), true
}

// userProperties lists the properties of microsoft.graph.user that $select
// may name; the server models the first eleven and answers null for the
// others.
var userProperties = []string{
	"id", "userPrincipalName", "displayName", "mailNickname", "accountEnabled",
	"userType", "usageLocation", "employeeType", "createdDateTime",
	"lastPasswordChangeDateTime", "onPremisesSyncEnabled",
	"aboutMe", "ageGroup", "assignedLicenses", "assignedPlans", "birthday",
	"businessPhones", "city", "companyName", "consentProvidedForMinor", "country",
	"creationType", "deletedDateTime", "department", "employeeHireDate", "employeeId",
	"employeeLeaveDateTime", "employeeOrgData", "externalUserState",
	"externalUserStateChangeDateTime", "faxNumber", "givenName", "hireDate", "identities",
	"imAddresses", "interests", "isResourceAccount", "jobTitle",
	"legalAgeGroupClassification", "mail", "mobilePhone", "mySite", "officeLocation",
	"onPremisesDistinguishedName", "onPremisesDomainName", "onPremisesImmutableId",
	"onPremisesLastSyncDateTime", "onPremisesSamAccountName",
	"onPremisesSecurityIdentifier", "onPremisesUserPrincipalName", "otherMails",
	"passwordPolicies", "passwordProfile", "pastProjects", "postalCode",
	"preferredDataLocation", "preferredLanguage", "preferredName", "proxyAddresses",
	"responsibilities", "schools", "securityIdentifier", "showInAddressList",
	"signInSessionsValidFromDateTime", "skills", "state", "streetAddress", "surname",
}

// defaultUserProperties are those Graph returns without $select.
var defaultUserProperties = []string{
	"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
	"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id",
}

// selectProps parses the request's $select against known, the properties
// of the Graph type microsoft.graph.{typ} it may name: their canonical
// names (nil without $select, meaning the type's default properties), or
// the 400 Graph answers for the first name the type does not have.
func (c *call) selectProps(typ string, known []string) (props []string, bad response, ok bool) {
	sel := c.query.Get("$select")
	if strings.TrimSpace(sel) == "" {
		return nil, response{}, true
	}
	for _, p := range strings.Split(sel, ",") {
		p = strings.TrimSpace(p)
		i := indexFold(known, p)
		if i < 0 {
			if p == "" {
				p = "(empty)"
			}
			return nil, c.fail(http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", p, typ)), false
		}
		props = append(props, known[i])
	}
	return props, response{}, true
}

// indexFold is the index of s in list, compared case-insensitively, or -1.
func indexFold(list []string, s string) int {
	for i, v := range list {
		if strings.EqualFold(v, s) {
			return i
		}
	}
	return -1
}

// page answers one page of a collection: $top and $skiptoken pick the page,
// and the next one is linked with an absolute @odata.nextLink at
// Options.NextLinkBase.
func (c *call) page(contextURL string, items []any) response {
	size := c.s.pageSize
	if top := c.query.Get("$top"); top != "" {
		n, err := strconv.Atoi(top)
		if err != nil || n <= 0 {
			return c.s.errorResponse(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid value '%s' for $top.", top), nil, c.crid)
		}
		size = min(n, 999)
	}
	offset := 0
	if tok := c.query.Get("$skiptoken"); tok != "" {
		n, err := parseSkipToken(tok)
		if err != nil || n > len(items) {
			return c.s.errorResponse(http.StatusBadRequest, "BadRequest", "Invalid $skiptoken.", nil, c.crid)
		}
		offset = n
	}
	end := min(offset+size, len(items))
	value := items[offset:end]
	if value == nil {
		value = []any{}
	}
	o := object{{"@odata.context", c.s.URL + "/$metadata#" + contextURL}}
	if end < len(items) {
		o = append(o, field{"@odata.nextLink", c.s.nextLinkBase + c.rel + "?" + withoutSkipToken(c.rawQuery) + "$skiptoken=" + skipToken(end)})
	}
	o = append(o, field{"value", value})
	return response{status: http.StatusOK, body: o}
}

func skipToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("graphtest:" + strconv.Itoa(offset)))
}

func parseSkipToken(tok string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	n, ok := strings.CutPrefix(string(b), "graphtest:")
	if !ok {
		return 0, fmt.Errorf("not a graphtest token")
	}
	return strconv.Atoi(n)
}

// withoutSkipToken returns the raw query without its $skiptoken, followed
// by "&" when not empty.
func withoutSkipToken(raw string) string {
	var keep []string
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil && uk == "$skiptoken" {
			continue
		}
		keep = append(keep, kv)
	}
	if len(keep) == 0 {
		return ""
	}
	return strings.Join(keep, "&") + "&"
}
