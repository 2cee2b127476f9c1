package directory

// IsObjectID reports whether s has the form of a Microsoft Entra object ID
// (or application ID): a GUID, 8-4-4-4-12 hexadecimal digits in either
// case, as opposed to a userPrincipalName or any other name.
func IsObjectID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
