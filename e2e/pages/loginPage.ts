import { expect, type Page } from '@playwright/test';

/** The login screen: server address, user, password. */
export class LoginPage {
  constructor(private readonly page: Page) {}

  async login(serverUrl: string, username: string, password: string): Promise<void> {
    await this.page.getByTestId('login-server').fill(serverUrl);
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }

  async expectError(): Promise<void> {
    await expect(this.page.getByTestId('login-error')).toBeVisible();
  }
}
