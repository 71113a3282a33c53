package accounts

// texts are the words of the account emails in one language: the
// invitation in the organization's language, the others in the agent's.
type texts struct {
	InviteSubject string // %[1]s inviter, %[2]s organization
	InviteBody    string // %[1]s inviter, %[2]s organization
	InviteNoName  string // the inviter when they are gone
	InviteExpiry  string
	InviteAction  string

	VerifySubject string
	VerifyBody    string // %[1]s name, %[2]s address
	ChangeBody    string // %[1]s name, %[2]s new address
	VerifyExpiry  string
	VerifyAction  string

	ResetSubject string
	ResetBody    string // %s address
	ResetExpiry  string
	ResetIgnore  string
	ResetAction  string
}

var catalogs = map[string]texts{
	"en": {
		InviteSubject: "%[1]s invited you to %[2]s on Frontdesk",
		InviteBody:    "%[1]s invited you to join %[2]s on Frontdesk, where the team answers website visitors, personal-link guests and meeting bookings together. Choose your name and password to start.",
		InviteNoName:  "Your team",
		InviteExpiry:  "The invitation works once and for 7 days.",
		InviteAction:  "Accept the invitation",

		VerifySubject: "Confirm your email address",
		VerifyBody:    "Hello %[1]s, please confirm that %[2]s is your address, so your organization stays online and you can recover your account.",
		ChangeBody:    "Hello %[1]s, you asked to sign in to Frontdesk with %[2]s from now on. Confirm the address to make the change; until then your old address stays in use.",
		VerifyExpiry:  "The link works once and for 48 hours.",
		VerifyAction:  "Confirm my email address",

		ResetSubject: "Reset your Frontdesk password",
		ResetBody:    "Someone, hopefully you, asked to reset the Frontdesk password of %s.",
		ResetExpiry:  "The link works once and for one hour. Choosing a new password signs you out everywhere.",
		ResetIgnore:  "If it was not you, ignore this email: your password stays as it is.",
		ResetAction:  "Choose a new password",
	},
	"de": {
		InviteSubject: "%[1]s hat Sie zu %[2]s auf Frontdesk eingeladen",
		InviteBody:    "%[1]s hat Sie eingeladen, %[2]s auf Frontdesk beizutreten. Dort beantwortet das Team gemeinsam Website-Besucher, Gäste persönlicher Links und Terminbuchungen. Wählen Sie Ihren Namen und Ihr Passwort, um zu beginnen.",
		InviteNoName:  "Ihr Team",
		InviteExpiry:  "Die Einladung gilt einmal und 7 Tage lang.",
		InviteAction:  "Einladung annehmen",

		VerifySubject: "Bestätigen Sie Ihre E-Mail-Adresse",
		VerifyBody:    "Hallo %[1]s, bitte bestätigen Sie, dass %[2]s Ihre Adresse ist, damit Ihre Organisation online bleibt und Sie Ihr Konto wiederherstellen können.",
		ChangeBody:    "Hallo %[1]s, Sie möchten sich künftig mit %[2]s bei Frontdesk anmelden. Bestätigen Sie die Adresse, um die Änderung abzuschließen; bis dahin gilt Ihre bisherige Adresse.",
		VerifyExpiry:  "Der Link gilt einmal und 48 Stunden lang.",
		VerifyAction:  "E-Mail-Adresse bestätigen",

		ResetSubject: "Frontdesk-Passwort zurücksetzen",
		ResetBody:    "Jemand, hoffentlich Sie, möchte das Frontdesk-Passwort von %s zurücksetzen.",
		ResetExpiry:  "Der Link gilt einmal und eine Stunde lang. Ein neues Passwort meldet Sie überall ab.",
		ResetIgnore:  "Waren Sie es nicht, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.",
		ResetAction:  "Neues Passwort wählen",
	},
	"fr": {
		InviteSubject: "%[1]s vous invite à rejoindre %[2]s sur Frontdesk",
		InviteBody:    "%[1]s vous invite à rejoindre %[2]s sur Frontdesk, où l'équipe répond ensemble aux visiteurs du site, aux invités des liens personnels et aux réservations de rendez-vous. Choisissez votre nom et votre mot de passe pour commencer.",
		InviteNoName:  "Votre équipe",
		InviteExpiry:  "L'invitation est valable une fois, pendant 7 jours.",
		InviteAction:  "Accepter l'invitation",

		VerifySubject: "Confirmez votre adresse e-mail",
		VerifyBody:    "Bonjour %[1]s, veuillez confirmer que %[2]s est bien votre adresse, pour que votre organisation reste en ligne et que vous puissiez récupérer votre compte.",
		ChangeBody:    "Bonjour %[1]s, vous souhaitez désormais vous connecter à Frontdesk avec %[2]s. Confirmez l'adresse pour effectuer le changement ; d'ici là, votre ancienne adresse reste valable.",
		VerifyExpiry:  "Le lien est valable une fois, pendant 48 heures.",
		VerifyAction:  "Confirmer mon adresse e-mail",

		ResetSubject: "Réinitialisez votre mot de passe Frontdesk",
		ResetBody:    "Quelqu'un, sans doute vous, a demandé à réinitialiser le mot de passe Frontdesk de %s.",
		ResetExpiry:  "Le lien est valable une fois, pendant une heure. Choisir un nouveau mot de passe vous déconnecte partout.",
		ResetIgnore:  "Si ce n'était pas vous, ignorez cet e-mail : votre mot de passe reste inchangé.",
		ResetAction:  "Choisir un nouveau mot de passe",
	},
	"it": {
		InviteSubject: "%[1]s ti ha invitato in %[2]s su Frontdesk",
		InviteBody:    "%[1]s ti ha invitato a unirti a %[2]s su Frontdesk, dove il team risponde insieme ai visitatori del sito, agli ospiti dei link personali e alle prenotazioni. Scegli il tuo nome e la tua password per iniziare.",
		InviteNoName:  "Il tuo team",
		InviteExpiry:  "L'invito vale una volta sola e per 7 giorni.",
		InviteAction:  "Accetta l'invito",

		VerifySubject: "Conferma il tuo indirizzo email",
		VerifyBody:    "Ciao %[1]s, conferma che %[2]s è il tuo indirizzo, così la tua organizzazione resta online e potrai recuperare l'account.",
		ChangeBody:    "Ciao %[1]s, hai chiesto di accedere a Frontdesk con %[2]s d'ora in poi. Conferma l'indirizzo per completare la modifica; fino ad allora resta valido quello attuale.",
		VerifyExpiry:  "Il link vale una volta sola e per 48 ore.",
		VerifyAction:  "Conferma il mio indirizzo email",

		ResetSubject: "Reimposta la password di Frontdesk",
		ResetBody:    "Qualcuno, speriamo tu, ha chiesto di reimpostare la password Frontdesk di %s.",
		ResetExpiry:  "Il link vale una volta sola e per un'ora. Una nuova password chiude tutte le sessioni.",
		ResetIgnore:  "Se non sei stato tu, ignora questa email: la password resta quella di prima.",
		ResetAction:  "Scegli una nuova password",
	},
	"es": {
		InviteSubject: "%[1]s te ha invitado a %[2]s en Frontdesk",
		InviteBody:    "%[1]s te ha invitado a unirte a %[2]s en Frontdesk, donde el equipo atiende juntos a los visitantes del sitio web, a los invitados de enlaces personales y las reservas de citas. Elige tu nombre y tu contraseña para empezar.",
		InviteNoName:  "Tu equipo",
		InviteExpiry:  "La invitación vale una sola vez y durante 7 días.",
		InviteAction:  "Aceptar la invitación",

		VerifySubject: "Confirma tu dirección de correo",
		VerifyBody:    "Hola %[1]s, confirma que %[2]s es tu dirección, para que tu organización siga en línea y puedas recuperar tu cuenta.",
		ChangeBody:    "Hola %[1]s, has pedido iniciar sesión en Frontdesk con %[2]s a partir de ahora. Confirma la dirección para completar el cambio; hasta entonces sigue valiendo la anterior.",
		VerifyExpiry:  "El enlace vale una sola vez y durante 48 horas.",
		VerifyAction:  "Confirmar mi dirección de correo",

		ResetSubject: "Restablece tu contraseña de Frontdesk",
		ResetBody:    "Alguien, esperamos que tú, ha pedido restablecer la contraseña de Frontdesk de %s.",
		ResetExpiry:  "El enlace vale una sola vez y durante una hora. Una contraseña nueva cierra todas tus sesiones.",
		ResetIgnore:  "Si no has sido tú, ignora este correo: tu contraseña no cambia.",
		ResetAction:  "Elegir una contraseña nueva",
	},
}

func catalog(lang string) texts {
	if t, ok := catalogs[lang]; ok {
		return t
	}
	return catalogs["en"]
}
