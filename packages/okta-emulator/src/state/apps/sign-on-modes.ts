/**
 * The application sign-on modes of management.yaml's `Application` discriminator, as data: which `name`s each mode
 * takes (a template name, or none for a custom app whose name Okta derives from the label), which settings
 * object carries its configuration (`settings.app` or `settings.signOn`) and the fields management.yaml requires
 * there. `test/.../sign-on-modes.test.ts` keeps this table in step with `reference/management.yaml`.
 */

/** How the emulator serves a sign-on mode. */
export interface SignOnModeRule {
  /** Template names management.yaml allows; empty for custom apps (AUTO_LOGIN, SAML_2_0) where `name` is derived. */
  names: readonly string[];
  /** Whether `name` may be left out (custom app: Okta derives it from the label). */
  customWithoutName: boolean;
  /** Where the mode's configuration lives. */
  settingsKey: 'app' | 'signOn';
  /** Fields management.yaml requires in that object. */
  required: readonly string[];
}

/** Every sign-on mode of management.yaml except OPENID_CONNECT (served by the OIDC rules) and SAML_1_1 (catalog only). */
export const SIGN_ON_MODES: Readonly<Record<string, SignOnModeRule>> = {
  BOOKMARK: { names: ['bookmark'], customWithoutName: false, settingsKey: 'app', required: ['url'] },
  BASIC_AUTH: {
    names: ['template_basic_auth'],
    customWithoutName: false,
    settingsKey: 'app',
    required: ['authURL', 'url'],
  },
  BROWSER_PLUGIN: {
    names: ['template_swa', 'template_swa3field'],
    customWithoutName: false,
    settingsKey: 'app',
    required: ['buttonField', 'passwordField', 'usernameField', 'url'],
  },
  SECURE_PASSWORD_STORE: {
    names: ['template_sps'],
    customWithoutName: false,
    settingsKey: 'app',
    required: ['passwordField', 'url', 'usernameField'],
  },
  WS_FEDERATION: {
    names: ['template_wsfed'],
    customWithoutName: false,
    settingsKey: 'app',
    required: [
      'audienceRestriction',
      'groupValueFormat',
      'wReplyURL',
      'nameIDFormat',
      'authnContextClassRef',
      'siteURL',
      'usernameAttribute',
    ],
  },
  AUTO_LOGIN: { names: [], customWithoutName: true, settingsKey: 'signOn', required: ['loginUrl'] },
  SAML_2_0: {
    names: [],
    customWithoutName: true,
    settingsKey: 'signOn',
    required: [
      'allowMultipleAcsEndpoints',
      'assertionSigned',
      'audience',
      'authnContextClassRef',
      'destination',
      'digestAlgorithm',
      'honorForceAuthn',
      'idpIssuer',
      'recipient',
      'requestCompressed',
      'responseSigned',
      'signatureAlgorithm',
      'ssoAcsUrl',
      'subjectNameIdFormat',
      'subjectNameIdTemplate',
    ],
  },
};

/**
 * The `name` Okta gives a custom app: the label lower-cased with everything but letters and digits removed,
 * prefixed with the org's subdomain and suffixed with a counter (`acme_examplecustomsaml20app_1`).
 * @example customAppName('emulator', 'Example Custom SAML 2.0 App', 1) // 'emulator_examplecustomsaml20app_1'
 */
export function customAppName(orgName: string, label: string, counter: number): string {
  const base = label.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `${orgName}_${base}_${counter}`;
}
