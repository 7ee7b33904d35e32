//! The application shared by server and browser: pages, components, server functions, domain.
// Page views are deeply nested types; the browser build needs more room to lay them out.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{path, SsrMode};

use components::{IslandScripts, Layout};
use pages::access_log::AccessLogPage;
use pages::account::AccountPage;
use pages::board::{BoardPage, ReferralPage, SharedPage};
use pages::course::{
    CataloguePage, CourseFormPage, CourseMeasurePage, GroupPage, GroupsPage, NewGroupPage,
};
use pages::login::{LoginPage, SecondFactorPage};
use pages::my_referral::MyReferralPage;
use pages::outcome::{FiguresPage, TrajectoryPage};
use pages::password_reset::{ForgotPasswordPage, ForgotPasswordSentPage, ResetPasswordPage};
use pages::referral::{
    ConfirmReferralPage, FollowReferralPage, LaterPage, LaterSentPage, ReceiptPage,
    ReferralStepPage, ResumePage, ServiceHomePage,
};
use pages::register::{RegisterPage, RegisterSentPage, VerifyEmailPage};
use pages::rooms::{RoomPage, RoomsPage};
use pages::second_factor::SecondFactorSetupPage;
use pages::staff::{InvitationPage, StaffAdminPage};
use pages::{home::HomePage, not_found::NotFoundPage};

/// The name of the compiled browser bundle under `/pkg`.
pub const OUTPUT_NAME: &str = "rph";

/// The HTML document around the application, as Leptos's file-and-error handler asks
/// for it (it needs nothing from the options).
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    document()
}

/// The HTML document around the application, rendered on the server only.
pub fn document() -> impl IntoView {
    let lang = i18n::detect_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="stylesheet" href=asset_url(&format!("{OUTPUT_NAME}.css"))/>
                <link rel="icon" href=asset_url("favicon.svg") type="image/svg+xml"/>
                <IslandScripts/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The address of one of the site's own files: on the server its published name,
/// which carries a hash of its contents and is cached for a year.
pub fn asset_url(name: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        server::assets::asset_url(name)
    }
    #[cfg(not(feature = "ssr"))]
    format!("/pkg/{name}")
}

/// A page title as the document carries it. On the server the title is written into
/// the HTML, and `leptos_meta` writes it unescaped: a reference typed into an address
/// or a room name set by staff could close `<title>` and add markup. Escaping here,
/// where every title passes, makes that impossible for any page. In the browser the
/// title is set as text and needs no escaping.
pub fn title_markup(title: String) -> String {
    #[cfg(feature = "ssr")]
    {
        let mut out = String::with_capacity(title.len());
        for c in title.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        out
    }
    #[cfg(not(feature = "ssr"))]
    title
}

/// Every page of the product.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(i18n::detect_lang());
    let t = i18n::use_texts();
    view! {
        // Every page's title passes through this formatter, the only one.
        <Title formatter=title_markup text=t.product_name/>
        <Router>
            <Layout>
                // Flat: no page nests in another. Nested routes render each page through
                // an outlet (a channel and a suspended view of its own), work every
                // server-rendered page paid for nothing.
                <FlatRoutes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/login/code") view=SecondFactorPage/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/course/:reference/:instrument") view=CourseMeasurePage ssr=SsrMode::Async/>
                    <Route path=path!("/account/access-log") view=AccessLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/referrals/:reference") view=MyReferralPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/second-factor") view=SecondFactorSetupPage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=RegisterPage/>
                    <Route path=path!("/register/sent") view=RegisterSentPage/>
                    <Route path=path!("/verify-email") view=VerifyEmailPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/forgot-password/sent") view=ForgotPasswordSentPage/>
                    <Route path=path!("/reset-password") view=ResetPasswordPage/>
                    <Route path=path!("/admin/staff") view=StaffAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/invitation") view=InvitationPage/>
                    <Route path=path!("/services/:slug") view=ServiceHomePage ssr=SsrMode::Async/>
                    <Route path=path!("/services/:slug/refer/:step") view=ReferralStepPage ssr=SsrMode::Async/>
                    <Route path=path!("/services/:slug/received") view=ReceiptPage ssr=SsrMode::Async/>
                    <Route path=path!("/services/:slug/later") view=LaterPage/>
                    <Route path=path!("/services/:slug/later/sent") view=LaterSentPage/>
                    <Route path=path!("/referral/resume") view=ResumePage/>
                    <Route path=path!("/referral/follow") view=FollowReferralPage/>
                    <Route path=path!("/referral/confirm") view=ConfirmReferralPage/>
                    <Route path=path!("/board") view=BoardPage ssr=SsrMode::Async/>
                    <Route path=path!("/board/shared") view=SharedPage ssr=SsrMode::Async/>
                    <Route path=path!("/board/:reference") view=ReferralPage ssr=SsrMode::Async/>
                    <Route path=path!("/groups") view=GroupsPage ssr=SsrMode::Async/>
                    <Route path=path!("/groups/new") view=NewGroupPage ssr=SsrMode::Async/>
                    <Route path=path!("/groups/:cohort") view=GroupPage ssr=SsrMode::Async/>
                    <Route path=path!("/courses") view=CataloguePage ssr=SsrMode::Async/>
                    <Route path=path!("/courses/new") view=CourseFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/courses/:course") view=CourseFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/trajectory/:reference") view=TrajectoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/figures") view=FiguresPage ssr=SsrMode::Async/>
                    <Route path=path!("/rooms") view=RoomsPage ssr=SsrMode::Async/>
                    <Route path=path!("/rooms/:code") view=RoomPage ssr=SsrMode::Async/>
                </FlatRoutes>
            </Layout>
        </Router>
    }
}
