// A real OpenID provider (the certified `oidc-provider` package) on loopback, for coderoom's
// company sign-in tests (tests/node/oidc.test.mjs, web/e2e/oidc.test.mjs).
//
// Its own interaction pages are replaced by a handler that signs in the account the test
// names (`signingInAs`) and grants what is asked, as a person clicking through would. A Koa
// middleware can re-sign the ID tokens it issues (`tamper`) to play a broken or hostile
// provider. `use()` swaps in a new provider on the same address: a restart with new keys.

import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import Provider from 'oidc-provider'
import { CompactSign, importJWK } from 'jose'

export const CLIENT_ID = 'coderoom'
export const CLIENT_SECRET = 'a-client-secret-for-tests-only-0123456789'

export const accounts = {
  ada: { name: 'Ada Admin', email: 'ada@corp.test', email_verified: true, groups: ['/coderoom-admins', '/staff'] },
  ivan: { name: 'Ivan Interviewer', email: 'ivan@corp.test', email_verified: true, groups: ['interviewers'] },
  cara: { given_name: 'Cara', family_name: 'Colleague', email: 'cara@corp.test', email_verified: true, groups: ['/staff'] },
  dora: { name: 'Dora Disabled', email: 'dora@corp.test', email_verified: true, groups: [] }
}

/** A new RSA signing key as a private JWK. */
export function signingKey (kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }
}

/** `idToken` with its payload changed by `change`, signed with `key` under the same `kid`. */
export async function resign (idToken, key, change) {
  const [header, payload] = idToken.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url')))
  change(payload)
  const signer = await importJWK(key, 'RS256')
  return new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'RS256', kid: header.kid, typ: header.typ })
    .sign(signer)
}

export class IdentityProvider {
  /** coderoom's settings (as environment variables) for signing in with this provider. */
  coderoomSettings () {
    return {
      CODEROOM_AUTH_PROVIDER: 'oidc',
      CODEROOM_OIDC_ISSUER: this.issuer,
      CODEROOM_OIDC_CLIENT_ID: CLIENT_ID,
      CODEROOM_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      CODEROOM_OIDC_SCOPES: '[email, profile, groups]',
      CODEROOM_OIDC_LABEL: 'Corp SSO',
      CODEROOM_OIDC_ADMIN_VALUES: '[coderoom-admins]',
      CODEROOM_OIDC_INTERVIEWER_VALUES: '[interviewers]'
    }
  }

  /** Who signs in at the login prompt (a key of `accounts`). */
  signingInAs = 'ada'
  /** `(idToken) => Promise<idToken>` applied to the next token answers; null: none. */
  tamper = null

  static async start () {
    const identity = new IdentityProvider()
    identity.server = createServer((req, res) => {
      if (req.url.startsWith('/interaction/')) {
        identity.#finishInteraction(req, res).catch((err) => { res.statusCode = 500; res.end(String(err)) })
      } else {
        identity.provider.callback()(req, res)
      }
    })
    await new Promise((resolve) => identity.server.listen(0, '127.0.0.1', resolve))
    identity.issuer = `http://127.0.0.1:${identity.server.address().port}`
    return identity
  }

  /** (Re)starts the provider for a coderoom at `coderoomUrl`, signing with `key`. */
  use (coderoomUrl, key) {
    const provider = new Provider(this.issuer, {
      clients: [{
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${coderoomUrl}/api/auth/oidc/callback`],
        post_logout_redirect_uris: [`${coderoomUrl}/login`],
        grant_types: ['authorization_code'],
        response_types: ['code']
      }],
      jwks: { keys: [key] },
      cookies: { keys: ['cookie-signing-key-for-tests-0123456789'] },
      scopes: ['openid', 'email', 'profile', 'groups'],
      claims: { email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'], groups: ['groups'] },
      findAccount: (ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...accounts[id] }) }),
      features: { devInteractions: { enabled: false } },
      interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` }
    })
    provider.use(async (ctx, next) => {
      await next()
      if (ctx.path === '/token' && this.tamper && ctx.body?.id_token) {
        ctx.body = { ...ctx.body, id_token: await this.tamper(ctx.body.id_token) }
      }
    })
    this.provider = provider
  }

  close () {
    this.server.closeAllConnections()
    this.server.close()
  }

  /** Signs in `signingInAs` and grants everything the prompt is missing. */
  async #finishInteraction (req, res) {
    const provider = this.provider
    const details = await provider.interactionDetails(req, res)
    let result
    if (details.prompt.name === 'login') {
      result = { login: { accountId: this.signingInAs } }
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id })
      const missing = details.prompt.details
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '))
      }
      result = { consent: { grantId: await grant.save() } }
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true })
  }
}
