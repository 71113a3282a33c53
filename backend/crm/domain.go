package crm

import (
	"net/mail"
	"regexp"
	"strings"
)

// hostPattern is a DNS host name with at least two labels of letters,
// digits and inner hyphens: what can follow the @ of an address a CRM
// stores, and all a provider will ever put into a search for a domain.
var hostPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ValidEmail reports whether s is a bare address (no display name) with a
// DNS domain.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	return EmailDomain(s) != ""
}

// EmailDomain returns the lower-cased domain of an address, or "" when
// there is none or it is not a host name.
func EmailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	d := strings.ToLower(email[at+1:])
	if len(d) > 253 || !hostPattern.MatchString(d) {
		return ""
	}
	return d
}

// CompanyDomain returns the domain that identifies the guest's company, or
// "" for free-mail providers, whose domain says nothing about an employer.
func CompanyDomain(email string) string {
	d := EmailDomain(email)
	if IsFreeMail(d) {
		return ""
	}
	return d
}

// freeMail lists the large consumer mail providers of the markets Frontdesk
// serves. It does not try to be complete: a miss means a lookup by domain
// that finds nothing, which costs one request.
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true,
	"outlook.com": true, "hotmail.com": true, "hotmail.de": true, "hotmail.fr": true,
	"hotmail.it": true, "hotmail.es": true, "hotmail.co.uk": true, "live.com": true, "msn.com": true,
	"yahoo.com": true, "yahoo.de": true, "yahoo.fr": true, "yahoo.it": true, "yahoo.es": true,
	"yahoo.co.uk": true, "ymail.com": true,
	"icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true,
	"proton.me": true, "protonmail.com": true, "pm.me": true, "tutanota.com": true,
	"gmx.de": true, "gmx.net": true, "gmx.at": true, "gmx.ch": true, "gmx.com": true,
	"web.de": true, "t-online.de": true, "freenet.de": true, "posteo.de": true, "mail.de": true,
	"bluewin.ch": true, "orange.fr": true, "free.fr": true, "laposte.net": true, "sfr.fr": true,
	"libero.it": true, "virgilio.it": true, "tiscali.it": true,
	"mail.com": true, "yandex.com": true, "yandex.ru": true, "mail.ru": true, "qq.com": true, "163.com": true,
}

// IsFreeMail reports whether domain belongs to a consumer mail provider.
func IsFreeMail(domain string) bool { return freeMail[strings.ToLower(domain)] }

// SplitName splits a full name into a first and a last name at the last
// space: "Anna Maria Rossi" is "Anna Maria" and "Rossi". A single word is a
// last name; providers that prefer a first name swap it themselves.
func SplitName(name string) (first, last string) {
	words := strings.Fields(name)
	switch len(words) {
	case 0:
		return "", ""
	case 1:
		return "", words[0]
	}
	return strings.Join(words[:len(words)-1], " "), words[len(words)-1]
}
