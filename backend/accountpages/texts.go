package accountpages

import "github.com/frontdesk/frontdesk/backend/password"

// texts are the pages' sentences in one language (i18n.Languages).
type texts struct {
	FailedTitle, Failed, CrossOrigin, RateLimited string
	Unavailable                                   string
	LinkNotFoundTitle, LinkNotFound, SignIn       string

	InviteTitle        string // %s organization
	InviteLead         string // %[1]s inviter, %[2]s email
	InviteAccept       string // %s organization
	InviteUsedTitle    string
	InviteUsed         string
	InviteExpiredTitle string
	InviteExpired      string // %s inviter
	InviteRevokedTitle string
	InviteRevoked      string // %s organization

	Email, Name, NameHint, Password, PasswordHint, NewPassword string

	Required, TooLong, TooShort, PasswordTooLong, TooCommon string
	EmailInvalid, EmailTaken, FixFields                     string

	ForgotTitle, ForgotLead, SendLink, BackToSignIn, ForgotSentTitle string
	ForgotSent                                                       string // %s email

	ResetTitle, ResetLead, SavePassword, ResetDoneTitle, ResetDone string

	VerifiedTitle string
	Verified      string // %s email
	OpenApp       string

	TryTitle, TryLead, WidgetNotFound string
}

// passwordProblem says what is wrong with a chosen password.
func (t texts) passwordProblem(p password.Problem) string {
	switch p {
	case password.TooShort:
		return t.TooShort
	case password.TooLong:
		return t.PasswordTooLong
	case password.TooCommon:
		return t.TooCommon
	}
	return ""
}

var catalogs = map[string]texts{
	"en": {
		Unavailable: "This organization is temporarily unavailable. Please try again later.",
		FailedTitle: "Something went wrong", Failed: "Something went wrong on our side. Please try again in a moment.",
		CrossOrigin:       "This form can only be sent from its own page. Open the link again.",
		RateLimited:       "Too many attempts. Please wait a few minutes and try again.",
		LinkNotFoundTitle: "This link is not valid", LinkNotFound: "This link is not valid: it may have expired or been used already. Ask for a new one.",
		SignIn: "Go to sign-in",

		InviteTitle: "Join %s on Frontdesk", InviteLead: "%[1]s invited you (%[2]s). Choose the name your colleagues and guests will see, and a password.",
		InviteAccept:    "Join %s",
		InviteUsedTitle: "This invitation has been used", InviteUsed: "This invitation was accepted already. Sign in with its email address and your password.",
		InviteExpiredTitle: "This invitation has expired", InviteExpired: "Invitations work for 7 days. Ask %s to send you a new one.",
		InviteRevokedTitle: "This invitation was withdrawn", InviteRevoked: "An admin of %s withdrew this invitation. Ask them if you should still join.",

		Email: "Email", Name: "Your name", NameHint: "As your colleagues and guests will see it.", Password: "Password",
		PasswordHint: "At least 10 characters, any you like. A few unrelated words make a strong password.", NewPassword: "New password",

		Required: "Please fill this in.", TooLong: "This is too long.", TooShort: "Use at least 10 characters.",
		PasswordTooLong: "This password is too long.", TooCommon: "This password is too common or too easy to guess. Choose another.",
		EmailInvalid: "Enter an email address like name@example.com.", EmailTaken: "An account with this email address exists already. Sign in instead.",
		FixFields: "Please check the highlighted fields.",

		ForgotTitle: "Forgot your password?", ForgotLead: "Enter the email address you sign in with. We will send you a link to choose a new password.",
		SendLink: "Send me the link", BackToSignIn: "Back to sign-in", ForgotSentTitle: "Check your email",
		ForgotSent: "If an account uses %s, we have sent it a link to choose a new password. The link works for one hour.",

		ResetTitle: "Choose a new password", ResetLead: "Saving it signs you out of Frontdesk on every device.",
		SavePassword: "Save the new password", ResetDoneTitle: "Your password is changed",
		ResetDone: "You were signed out everywhere. Sign in with your new password.",

		VerifiedTitle: "Email address confirmed", Verified: "Thank you: %s is confirmed.", OpenApp: "Open Frontdesk",

		TryTitle: "Try your widget", TryLead: "This page shows your widget as visitors will see it on your website: click the bubble in the corner. To install it, paste this snippet into your website's pages.",
		WidgetNotFound: "There is no widget with this key.",
	},
	"de": {
		Unavailable: "Diese Organisation ist vorübergehend nicht erreichbar. Bitte versuchen Sie es später erneut.",
		FailedTitle: "Etwas ist schiefgelaufen", Failed: "Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal.",
		CrossOrigin:       "Dieses Formular kann nur von seiner eigenen Seite gesendet werden. Öffnen Sie den Link erneut.",
		RateLimited:       "Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.",
		LinkNotFoundTitle: "Dieser Link ist ungültig", LinkNotFound: "Dieser Link ist ungültig: Er ist vielleicht abgelaufen oder wurde schon verwendet. Fordern Sie einen neuen an.",
		SignIn: "Zur Anmeldung",

		InviteTitle: "%s auf Frontdesk beitreten", InviteLead: "%[1]s hat Sie eingeladen (%[2]s). Wählen Sie den Namen, den Kollegen und Gäste sehen, und ein Passwort.",
		InviteAccept:    "%s beitreten",
		InviteUsedTitle: "Diese Einladung wurde verwendet", InviteUsed: "Diese Einladung wurde bereits angenommen. Melden Sie sich mit ihrer E-Mail-Adresse und Ihrem Passwort an.",
		InviteExpiredTitle: "Diese Einladung ist abgelaufen", InviteExpired: "Einladungen gelten 7 Tage. Bitten Sie %s um eine neue.",
		InviteRevokedTitle: "Diese Einladung wurde zurückgezogen", InviteRevoked: "Ein Admin von %s hat diese Einladung zurückgezogen. Fragen Sie nach, ob Sie noch beitreten sollen.",

		Email: "E-Mail", Name: "Ihr Name", NameHint: "So sehen ihn Kollegen und Gäste.", Password: "Passwort",
		PasswordHint: "Mindestens 10 Zeichen, beliebige. Einige unzusammenhängende Wörter ergeben ein starkes Passwort.", NewPassword: "Neues Passwort",

		Required: "Bitte ausfüllen.", TooLong: "Das ist zu lang.", TooShort: "Verwenden Sie mindestens 10 Zeichen.",
		PasswordTooLong: "Dieses Passwort ist zu lang.", TooCommon: "Dieses Passwort ist zu verbreitet oder zu leicht zu erraten. Wählen Sie ein anderes.",
		EmailInvalid: "Geben Sie eine E-Mail-Adresse wie name@example.com ein.", EmailTaken: "Es gibt bereits ein Konto mit dieser E-Mail-Adresse. Melden Sie sich stattdessen an.",
		FixFields: "Bitte prüfen Sie die markierten Felder.",

		ForgotTitle: "Passwort vergessen?", ForgotLead: "Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden. Wir senden Ihnen einen Link, um ein neues Passwort zu wählen.",
		SendLink: "Link senden", BackToSignIn: "Zurück zur Anmeldung", ForgotSentTitle: "Sehen Sie in Ihr Postfach",
		ForgotSent: "Wenn ein Konto %s verwendet, haben wir ihm einen Link für ein neues Passwort gesendet. Der Link gilt eine Stunde.",

		ResetTitle: "Neues Passwort wählen", ResetLead: "Beim Speichern werden Sie auf allen Geräten von Frontdesk abgemeldet.",
		SavePassword: "Neues Passwort speichern", ResetDoneTitle: "Ihr Passwort ist geändert",
		ResetDone: "Sie wurden überall abgemeldet. Melden Sie sich mit Ihrem neuen Passwort an.",

		VerifiedTitle: "E-Mail-Adresse bestätigt", Verified: "Danke: %s ist bestätigt.", OpenApp: "Frontdesk öffnen",

		TryTitle: "Ihr Widget ausprobieren", TryLead: "Diese Seite zeigt Ihr Widget so, wie Besucher es auf Ihrer Website sehen: Klicken Sie auf die Blase in der Ecke. Zum Einbauen fügen Sie dieses Snippet in die Seiten Ihrer Website ein.",
		WidgetNotFound: "Es gibt kein Widget mit diesem Schlüssel.",
	},
	"fr": {
		Unavailable: "Cette organisation est temporairement indisponible. Veuillez réessayer plus tard.",
		FailedTitle: "Un problème est survenu", Failed: "Un problème est survenu de notre côté. Veuillez réessayer dans un instant.",
		CrossOrigin:       "Ce formulaire ne peut être envoyé que depuis sa propre page. Ouvrez le lien à nouveau.",
		RateLimited:       "Trop de tentatives. Veuillez patienter quelques minutes puis réessayer.",
		LinkNotFoundTitle: "Ce lien n'est pas valide", LinkNotFound: "Ce lien n'est pas valide : il a peut-être expiré ou déjà servi. Demandez-en un nouveau.",
		SignIn: "Aller à la connexion",

		InviteTitle: "Rejoindre %s sur Frontdesk", InviteLead: "%[1]s vous a invité (%[2]s). Choisissez le nom que verront vos collègues et vos invités, ainsi qu'un mot de passe.",
		InviteAccept:    "Rejoindre %s",
		InviteUsedTitle: "Cette invitation a déjà servi", InviteUsed: "Cette invitation a déjà été acceptée. Connectez-vous avec son adresse e-mail et votre mot de passe.",
		InviteExpiredTitle: "Cette invitation a expiré", InviteExpired: "Les invitations sont valables 7 jours. Demandez-en une nouvelle à %s.",
		InviteRevokedTitle: "Cette invitation a été retirée", InviteRevoked: "Un administrateur de %s a retiré cette invitation. Demandez-lui si vous devez toujours rejoindre l'équipe.",

		Email: "E-mail", Name: "Votre nom", NameHint: "Tel que vos collègues et vos invités le verront.", Password: "Mot de passe",
		PasswordHint: "Au moins 10 caractères, au choix. Quelques mots sans rapport font un mot de passe solide.", NewPassword: "Nouveau mot de passe",

		Required: "Veuillez remplir ce champ.", TooLong: "C'est trop long.", TooShort: "Utilisez au moins 10 caractères.",
		PasswordTooLong: "Ce mot de passe est trop long.", TooCommon: "Ce mot de passe est trop courant ou trop facile à deviner. Choisissez-en un autre.",
		EmailInvalid: "Saisissez une adresse e-mail comme nom@example.com.", EmailTaken: "Un compte existe déjà avec cette adresse e-mail. Connectez-vous plutôt.",
		FixFields: "Veuillez vérifier les champs signalés.",

		ForgotTitle: "Mot de passe oublié ?", ForgotLead: "Saisissez l'adresse e-mail avec laquelle vous vous connectez. Nous vous enverrons un lien pour choisir un nouveau mot de passe.",
		SendLink: "M'envoyer le lien", BackToSignIn: "Retour à la connexion", ForgotSentTitle: "Consultez vos e-mails",
		ForgotSent: "Si un compte utilise %s, nous lui avons envoyé un lien pour choisir un nouveau mot de passe. Le lien est valable une heure.",

		ResetTitle: "Choisissez un nouveau mot de passe", ResetLead: "L'enregistrer vous déconnecte de Frontdesk sur tous vos appareils.",
		SavePassword: "Enregistrer le nouveau mot de passe", ResetDoneTitle: "Votre mot de passe est changé",
		ResetDone: "Vous avez été déconnecté partout. Connectez-vous avec votre nouveau mot de passe.",

		VerifiedTitle: "Adresse e-mail confirmée", Verified: "Merci : %s est confirmée.", OpenApp: "Ouvrir Frontdesk",

		TryTitle: "Essayez votre widget", TryLead: "Cette page montre votre widget tel que les visiteurs le verront sur votre site : cliquez sur la bulle dans le coin. Pour l'installer, collez ce code dans les pages de votre site.",
		WidgetNotFound: "Aucun widget ne porte cette clé.",
	},
	"it": {
		Unavailable: "Questa organizzazione è temporaneamente non disponibile. Riprova più tardi.",
		FailedTitle: "Qualcosa è andato storto", Failed: "Qualcosa è andato storto da parte nostra. Riprova tra un momento.",
		CrossOrigin:       "Questo modulo si può inviare solo dalla sua pagina. Apri di nuovo il link.",
		RateLimited:       "Troppi tentativi. Attendi qualche minuto e riprova.",
		LinkNotFoundTitle: "Questo link non è valido", LinkNotFound: "Questo link non è valido: potrebbe essere scaduto o già usato. Chiedine uno nuovo.",
		SignIn: "Vai all'accesso",

		InviteTitle: "Unisciti a %s su Frontdesk", InviteLead: "%[1]s ti ha invitato (%[2]s). Scegli il nome che vedranno colleghi e ospiti, e una password.",
		InviteAccept:    "Unisciti a %s",
		InviteUsedTitle: "Questo invito è già stato usato", InviteUsed: "Questo invito è già stato accettato. Accedi con il suo indirizzo email e la tua password.",
		InviteExpiredTitle: "Questo invito è scaduto", InviteExpired: "Gli inviti valgono 7 giorni. Chiedi a %s di inviartene uno nuovo.",
		InviteRevokedTitle: "Questo invito è stato ritirato", InviteRevoked: "Un amministratore di %s ha ritirato questo invito. Chiedigli se devi ancora unirti.",

		Email: "Email", Name: "Il tuo nome", NameHint: "Come lo vedranno colleghi e ospiti.", Password: "Password",
		PasswordHint: "Almeno 10 caratteri, quelli che vuoi. Qualche parola senza legami fa una password robusta.", NewPassword: "Nuova password",

		Required: "Compila questo campo.", TooLong: "È troppo lungo.", TooShort: "Usa almeno 10 caratteri.",
		PasswordTooLong: "Questa password è troppo lunga.", TooCommon: "Questa password è troppo comune o facile da indovinare. Scegline un'altra.",
		EmailInvalid: "Inserisci un indirizzo email come nome@example.com.", EmailTaken: "Esiste già un account con questo indirizzo email. Accedi invece.",
		FixFields: "Controlla i campi evidenziati.",

		ForgotTitle: "Password dimenticata?", ForgotLead: "Inserisci l'indirizzo email con cui accedi. Ti invieremo un link per scegliere una nuova password.",
		SendLink: "Inviami il link", BackToSignIn: "Torna all'accesso", ForgotSentTitle: "Controlla la tua email",
		ForgotSent: "Se un account usa %s, gli abbiamo inviato un link per scegliere una nuova password. Il link vale un'ora.",

		ResetTitle: "Scegli una nuova password", ResetLead: "Salvandola esci da Frontdesk su tutti i dispositivi.",
		SavePassword: "Salva la nuova password", ResetDoneTitle: "La tua password è cambiata",
		ResetDone: "Sei uscito ovunque. Accedi con la nuova password.",

		VerifiedTitle: "Indirizzo email confermato", Verified: "Grazie: %s è confermato.", OpenApp: "Apri Frontdesk",

		TryTitle: "Prova il tuo widget", TryLead: "Questa pagina mostra il widget come lo vedranno i visitatori del tuo sito: fai clic sulla bolla nell'angolo. Per installarlo, incolla questo codice nelle pagine del tuo sito.",
		WidgetNotFound: "Non esiste un widget con questa chiave.",
	},
	"es": {
		Unavailable: "Esta organización no está disponible temporalmente. Vuelve a intentarlo más tarde.",
		FailedTitle: "Algo ha fallado", Failed: "Algo ha fallado por nuestra parte. Vuelve a intentarlo en un momento.",
		CrossOrigin:       "Este formulario solo puede enviarse desde su propia página. Abre el enlace de nuevo.",
		RateLimited:       "Demasiados intentos. Espera unos minutos y vuelve a intentarlo.",
		LinkNotFoundTitle: "Este enlace no es válido", LinkNotFound: "Este enlace no es válido: puede que haya caducado o que ya se haya usado. Pide uno nuevo.",
		SignIn: "Ir al inicio de sesión",

		InviteTitle: "Únete a %s en Frontdesk", InviteLead: "%[1]s te ha invitado (%[2]s). Elige el nombre que verán tus compañeros y los invitados, y una contraseña.",
		InviteAccept:    "Unirme a %s",
		InviteUsedTitle: "Esta invitación ya se ha usado", InviteUsed: "Esta invitación ya fue aceptada. Inicia sesión con su dirección de correo y tu contraseña.",
		InviteExpiredTitle: "Esta invitación ha caducado", InviteExpired: "Las invitaciones valen 7 días. Pide a %s que te envíe otra.",
		InviteRevokedTitle: "Esta invitación fue retirada", InviteRevoked: "Un administrador de %s retiró esta invitación. Pregúntale si aún debes unirte.",

		Email: "Correo electrónico", Name: "Tu nombre", NameHint: "Tal como lo verán tus compañeros y los invitados.", Password: "Contraseña",
		PasswordHint: "Al menos 10 caracteres, los que quieras. Unas cuantas palabras sin relación forman una contraseña fuerte.", NewPassword: "Contraseña nueva",

		Required: "Rellena este campo.", TooLong: "Es demasiado largo.", TooShort: "Usa al menos 10 caracteres.",
		PasswordTooLong: "Esta contraseña es demasiado larga.", TooCommon: "Esta contraseña es demasiado común o fácil de adivinar. Elige otra.",
		EmailInvalid: "Escribe una dirección de correo como nombre@example.com.", EmailTaken: "Ya existe una cuenta con esta dirección de correo. Inicia sesión.",
		FixFields: "Revisa los campos marcados.",

		ForgotTitle: "¿Has olvidado tu contraseña?", ForgotLead: "Escribe la dirección de correo con la que inicias sesión. Te enviaremos un enlace para elegir una contraseña nueva.",
		SendLink: "Enviarme el enlace", BackToSignIn: "Volver al inicio de sesión", ForgotSentTitle: "Revisa tu correo",
		ForgotSent: "Si una cuenta usa %s, le hemos enviado un enlace para elegir una contraseña nueva. El enlace vale una hora.",

		ResetTitle: "Elige una contraseña nueva", ResetLead: "Al guardarla se cerrará tu sesión de Frontdesk en todos los dispositivos.",
		SavePassword: "Guardar la contraseña nueva", ResetDoneTitle: "Tu contraseña ha cambiado",
		ResetDone: "Se han cerrado todas tus sesiones. Inicia sesión con tu contraseña nueva.",

		VerifiedTitle: "Dirección de correo confirmada", Verified: "Gracias: %s está confirmada.", OpenApp: "Abrir Frontdesk",

		TryTitle: "Prueba tu widget", TryLead: "Esta página muestra tu widget tal como lo verán los visitantes de tu sitio: haz clic en la burbuja de la esquina. Para instalarlo, pega este código en las páginas de tu sitio.",
		WidgetNotFound: "No existe ningún widget con esta clave.",
	},
}
