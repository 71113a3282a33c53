package salesforce

import "strings"

// SOQL has no bind parameters over REST, so every value is escaped into
// its literal. The rules (Salesforce's "Quoted String Escape Sequences"):
// backslash and single quote must be escaped; \n \r \t \b \f \" are
// understood; \% and \_ match a literal % and _ but are allowed inside LIKE
// only: anywhere else a backslash before them is a syntax error, which is
// why there are two functions.

var soqlEscaper = strings.NewReplacer(
	`\`, `\\`,
	`'`, `\'`,
	`"`, `\"`,
	"\n", `\n`,
	"\r", `\r`,
	"\t", `\t`,
	"\b", `\b`,
	"\f", `\f`,
)

// soqlString escapes s for use between the quotes of a literal compared
// with = or !=, where % and _ are ordinary characters.
func soqlString(s string) string { return soqlEscaper.Replace(s) }

// soqlLike escapes s for use between the quotes of a LIKE pattern so that
// it matches itself only: % and _ lose their wildcard meaning.
func soqlLike(s string) string {
	return strings.NewReplacer(`%`, `\%`, `_`, `\_`).Replace(soqlString(s))
}
