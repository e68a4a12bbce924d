//! Report: the hand-in report (`pcaplens_render::report_md`) shown as a page, in the page's
//! language, ready to print to PDF (style.css has the print rules). The Markdown is read back
//! by [`super::markdown`] and rebuilt from text nodes: nothing from the capture becomes markup.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_render::report_md::markdown;
use pcaplens_render::{t, Key, Lang};

use super::markdown::{parse, Block, Inline, ListItem, Style};
use crate::state::Loaded;

#[component]
pub fn Report(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let doc = markdown(&loaded.report, lang);
    let blocks = parse(&doc);
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <section class="view report-view" aria-labelledby="report-doc-heading">
            <h2 id="report-doc-heading" class="visually-hidden">{t(lang, Key::TabReport)}</h2>
            <div class="report-actions no-print">
                <p class="hint">{t(lang, Key::UiReportIntro)}</p>
                <button type="button" class="secondary" data-testid="print-report" on:click=print>
                    {t(lang, Key::UiPrint)}
                </button>
            </div>
            <article class="doc" lang=lang.code() data-testid="report-doc">
                {blocks.iter().map(block).collect_view()}
            </article>
        </section>
    }
}

fn runs(inlines: &[Inline]) -> impl IntoView {
    inlines
        .iter()
        .map(|r| {
            let text = r.text.clone();
            match r.style {
                Style::Plain => text.into_any(),
                Style::Strong => view! { <strong>{text}</strong> }.into_any(),
                Style::Emphasis => view! { <em>{text}</em> }.into_any(),
                Style::StrongEmphasis => view! { <strong><em>{text}</em></strong> }.into_any(),
                Style::Code => view! { <code>{text}</code> }.into_any(),
            }
        })
        .collect_view()
}

fn items(list: &[ListItem]) -> impl IntoView {
    list.iter()
        .map(|item| {
            let children = (!item.children.is_empty())
                .then(|| view! { <ul>{items(&item.children).into_any()}</ul> });
            view! { <li>{runs(&item.text)}{children}</li> }
        })
        .collect_view()
}

fn block(b: &Block) -> AnyView {
    match b {
        Block::Heading { level, text } => match level {
            1 => view! { <h2 class="doc-title">{runs(text)}</h2> }.into_any(),
            2 => view! { <h3>{runs(text)}</h3> }.into_any(),
            3 => view! { <h4>{runs(text)}</h4> }.into_any(),
            _ => view! { <h5>{runs(text)}</h5> }.into_any(),
        },
        Block::Paragraph(text) => view! { <p>{runs(text)}</p> }.into_any(),
        Block::List(list) => view! { <ul>{items(list)}</ul> }.into_any(),
        Block::Table { header, rows } => view! {
            <div class="table-scroll doc-table" tabindex="0">
                <table class="data">
                    <thead>
                        <tr>{header.iter().map(|h| view! { <th scope="col">{runs(h)}</th> }).collect_view()}</tr>
                    </thead>
                    <tbody>
                        {rows
                            .iter()
                            .map(|r| view! { <tr>{r.iter().map(|c| view! { <td>{runs(c)}</td> }).collect_view()}</tr> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any(),
    }
}
